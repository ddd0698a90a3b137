import { createRequire } from "node:module";
import type { ErrorDetail } from "../contract/errors.js";
import { CONTRACT_HASH, routeIndex } from "../contract/route-index.js";
import type { RouteInput, RouteName, RouteOutput } from "../contract/routes.js";
import { ApiError, NetworkError } from "./errors.js";
import { httpDownload, httpRequest } from "./http.js";
import { proxyFor } from "./proxy.js";

/** Supplies the bearer token and, for sessions, refreshes it once when the portal says it expired. */
export interface TokenSource {
  token(): Promise<string | undefined>;
  /** Called after a 401; returns true when a new token is ready and the request should be sent again. */
  refreshAfterUnauthorized?(): Promise<boolean>;
}

export interface ClientOptions {
  baseUrl: string;
  tokens?: TokenSource;
  timeoutMs?: number;
  retries?: number;
  userAgent?: string;
  env?: NodeJS.ProcessEnv;
  /** Reuse connections (bulk work: an import sends hundreds of requests). Off by default: one-shot commands gain nothing. */
  keepAlive?: boolean;
}

const IDEMPOTENT = new Set(["GET", "PUT", "DELETE", "HEAD", "OPTIONS"]);

/**
 * The typed portal client: one method, `call(routeName, input)`, typed by the contract. Retries only
 * requests that are safe to repeat (idempotent methods, or carrying an Idempotency-Key).
 *
 * Responses are checked against the contract's zod schemas when the portal speaks another version of
 * the contract (its `x-contract-hash` differs from ours). The same version needs no check: the portal
 * validates every response against those schemas before sending it, and skipping zod saves ~100 ms
 * of start-up on every command.
 */
export class PortalClient {
  readonly baseUrl: URL;
  #agent?: import("node:http").Agent;
  constructor(private readonly opts: ClientOptions) {
    this.baseUrl = new URL(opts.baseUrl);
  }

  async call<N extends RouteName>(
    name: N,
    input: Partial<RouteInput<N>> = {},
    options: { idempotencyKey?: string } = {},
  ): Promise<RouteOutput<N>> {
    const route = routeIndex[name];
    const url = this.urlFor(
      route.path,
      input.params as Record<string, string> | undefined,
      input.query as Record<string, unknown> | undefined,
    );
    let response = await this.send(route.method, url, input.body, options.idempotencyKey);
    if (
      response.status === 401 &&
      this.opts.tokens?.refreshAfterUnauthorized &&
      (await this.opts.tokens.refreshAfterUnauthorized())
    ) {
      response = await this.send(route.method, url, input.body, options.idempotencyKey);
    }
    if (response.status >= 400) throw toApiError(response.status, response.body, response.retryAfter);
    if ((route.status as number) === 204) return undefined as RouteOutput<N>;
    const body = parseJson(response.body);
    if (response.contractHash === CONTRACT_HASH && body !== undefined) return body as RouteOutput<N>;
    const { routes } = await import("../contract/routes.js");
    const parsed = routes[name].response.safeParse(body);
    if (!parsed.success) {
      throw new NetworkError(
        `the portal at ${this.baseUrl.origin} answered ${route.method} ${route.path} with something this hnctl does not understand; are both the same version?`,
        "bad_response",
      );
    }
    return parsed.data as RouteOutput<N>;
  }

  private keepAliveAgent(url: URL) {
    if (!this.opts.keepAlive) return undefined;
    if (!this.#agent) {
      const require = createRequire(import.meta.url);
      const mod = (
        url.protocol === "https:" ? require("node:https") : require("node:http")
      ) as typeof import("node:http");
      this.#agent = new mod.Agent({ keepAlive: true, maxSockets: 8 });
    }
    return this.#agent;
  }

  /** Closes kept-alive connections so the process can exit. */
  close(): void {
    this.#agent?.destroy();
  }

  /**
   * A `raw` route (a file download): the body goes to `onBody` chunk by chunk, each chunk valid only
   * during the call (see httpDownload). Resolves with the announced size and the headers once the body is
   * in. Errors are thrown as ApiError like `call`, and a 401 refreshes the session once; an exception from
   * `onBody` ends the download and is rethrown as is.
   */
  async download<N extends RouteName>(
    name: N,
    input: Partial<RouteInput<N>>,
    onBody: (chunk: Buffer) => void,
  ): Promise<{ size: number | undefined; headers: Record<string, string | string[] | undefined> }> {
    const route = routeIndex[name];
    const url = this.urlFor(route.path, input.params as Record<string, string> | undefined);
    let bodyError: unknown;
    const guarded = (chunk: Buffer) => {
      try {
        onBody(chunk);
      } catch (err) {
        bodyError = err;
        throw err;
      }
    };
    const get = async () => {
      const token = await this.opts.tokens?.token();
      const timeoutMs = this.opts.timeoutMs ?? 30_000;
      try {
        return await httpDownload(
          {
            method: route.method,
            url,
            headers: {
              accept: "*/*",
              "user-agent": this.opts.userAgent ?? "hnctl",
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
            timeoutMs,
            proxy: proxyFor(url, this.opts.env ?? process.env),
          },
          guarded,
        );
      } catch (err) {
        if (err === bodyError) throw err;
        throw toNetworkError(err, url, timeoutMs);
      }
    };
    let res = await get();
    if (res.status === 401 && this.opts.tokens?.refreshAfterUnauthorized) {
      if (await this.opts.tokens.refreshAfterUnauthorized()) res = await get();
    }
    if (res.status >= 400) throw toApiError(res.status, res.text ?? "", undefined);
    const length = Number(res.headers["content-length"]);
    return { size: Number.isFinite(length) ? length : undefined, headers: res.headers };
  }

  private urlFor(path: string, params?: Record<string, string>, query?: Record<string, unknown>): URL {
    const filled = path.replace(/:(\w+)/g, (_, key: string) => {
      const value = params?.[key];
      if (value === undefined) throw new Error(`missing path parameter ${key} for ${path}`);
      return encodeURIComponent(value);
    });
    const url = new URL(
      filled.replace(/^\//, ""),
      this.baseUrl.href.endsWith("/") ? this.baseUrl : `${this.baseUrl.href}/`,
    );
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
    }
    return url;
  }

  private async send(method: string, url: URL, body: unknown, idempotencyKey?: string) {
    const token = await this.opts.tokens?.token();
    const retryable = IDEMPOTENT.has(method) || Boolean(idempotencyKey);
    const proxy = proxyFor(url, this.opts.env ?? process.env);
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    try {
      const res = await httpRequest(
        {
          method,
          url,
          headers: {
            accept: "application/json",
            "user-agent": this.opts.userAgent ?? "hnctl",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
          },
          json: body,
          timeoutMs,
          proxy,
          agent: proxy ? undefined : this.keepAliveAgent(url),
        },
        {
          retries: retryable ? (this.opts.retries ?? 2) : 0,
          statusCodes: [408, 429, 502, 503, 504],
          maxRetryAfterMs: 60_000,
          backoffLimitMs: 5_000,
        },
      );
      const retryAfter = Number(res.headers["retry-after"]);
      return {
        status: res.status,
        body: res.body,
        contractHash: res.headers["x-contract-hash"],
        retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined,
      };
    } catch (err) {
      throw toNetworkError(err, url, timeoutMs);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The contract's error shape, checked by hand (no zod at start-up). */
function toApiError(status: number, text: string, retryAfter?: number): ApiError {
  const error = (
    parseJson(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined
  )?.error;
  if (error && typeof error.code === "string" && typeof error.message === "string") {
    const details = Array.isArray(error.details)
      ? (error.details.filter(
          (d) => typeof d?.path === "string" && typeof d?.message === "string",
        ) as ErrorDetail[])
      : undefined;
    return new ApiError(status, error.code, error.message, details, retryAfter);
  }
  const generic =
    status >= 500
      ? `the portal failed to answer (HTTP ${status})`
      : `the portal refused the request (HTTP ${status})`;
  return new ApiError(status, status >= 500 ? "internal" : "bad_request", generic, undefined, retryAfter);
}

/** Only the error code and our own words survive: the underlying error may reference the request (and its token). */
function toNetworkError(err: unknown, url: URL, timeoutMs: number): NetworkError {
  const code = (err as { code?: string }).code ?? "ERR_NETWORK";
  const origin = url.origin;
  if (code === "ETIMEDOUT") {
    return new NetworkError(
      `the portal at ${origin} did not answer within ${Math.round(timeoutMs / 1000)} s`,
      "timeout",
    );
  }
  if (
    code === "ECONNREFUSED" ||
    code === "ENOTFOUND" ||
    code === "EAI_AGAIN" ||
    code === "ECONNRESET" ||
    code === "EHOSTUNREACH"
  ) {
    return new NetworkError(`cannot reach the portal at ${origin} (${code})`, "unreachable");
  }
  return new NetworkError(`the request to the portal at ${origin} failed (${code})`, "network");
}
