import type { Got } from "got";
import { ErrorBody } from "../contract/errors.js";
import { routes, type RouteInput, type RouteName, type RouteOutput } from "../contract/routes.js";
import { ApiError, NetworkError } from "./errors.js";
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
}

const IDEMPOTENT = new Set(["GET", "PUT", "DELETE", "HEAD", "OPTIONS"]);

let gotPromise: Promise<Got> | undefined;
/** got costs ~55 ms to import: loaded on the first request, not at start-up. */
const loadGot = () => (gotPromise ??= import("got").then((m) => m.default));

/**
 * The typed portal client: one method, `call(routeName, input)`, checked against the contract.
 * Retries only requests that are safe to repeat (idempotent methods, or carrying an Idempotency-Key).
 */
export class PortalClient {
  readonly baseUrl: URL;
  constructor(private readonly opts: ClientOptions) {
    this.baseUrl = new URL(opts.baseUrl);
  }

  async call<N extends RouteName>(
    name: N,
    input: Partial<RouteInput<N>> = {},
    options: { idempotencyKey?: string } = {},
  ): Promise<RouteOutput<N>> {
    const route = routes[name];
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
    const parsed = route.response.safeParse(parseJson(response.body));
    if (!parsed.success) {
      throw new NetworkError(
        `the portal at ${this.baseUrl.origin} answered ${route.method} ${route.path} with something this hnctl does not understand; are both the same version?`,
        "bad_response",
      );
    }
    return parsed.data as RouteOutput<N>;
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
    const got = await loadGot();
    const token = await this.opts.tokens?.token();
    const retryable = IDEMPOTENT.has(method) || Boolean(idempotencyKey);
    const proxy = proxyFor(url, this.opts.env ?? process.env);
    const agent = proxy ? await proxyAgent(url, proxy) : undefined;
    try {
      const res = await got(url, {
        method: method as "GET",
        headers: {
          accept: "application/json",
          "user-agent": this.opts.userAgent ?? "hnctl",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
        },
        ...(body !== undefined ? { json: body } : {}),
        responseType: "text",
        throwHttpErrors: false,
        timeout: { request: this.opts.timeoutMs ?? 30_000 },
        retry: {
          limit: retryable ? (this.opts.retries ?? 2) : 0,
          methods: retryable ? [method as "GET"] : [],
          statusCodes: [408, 429, 502, 503, 504],
          maxRetryAfter: 60_000,
          backoffLimit: 5_000,
        },
        ...(agent ? { agent } : {}),
      });
      const retryAfter = Number(res.headers["retry-after"]);
      return {
        status: res.statusCode,
        body: res.body,
        retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined,
      };
    } catch (err) {
      throw toNetworkError(err, url, this.opts.timeoutMs ?? 30_000);
    }
  }
}

async function proxyAgent(target: URL, proxy: string) {
  const { HttpProxyAgent, HttpsProxyAgent } = await import("hpagent");
  const common = { proxy, keepAlive: false };
  return target.protocol === "https:"
    ? { https: new HttpsProxyAgent(common) }
    : { http: new HttpProxyAgent(common) };
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function toApiError(status: number, text: string, retryAfter?: number): ApiError {
  const parsed = ErrorBody.safeParse(parseJson(text));
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError(status, code, message, details, retryAfter);
  }
  const generic =
    status >= 500
      ? "the portal failed to answer (HTTP " + status + ")"
      : `the portal refused the request (HTTP ${status})`;
  return new ApiError(status, status >= 500 ? "internal" : "bad_request", generic, undefined, retryAfter);
}

/** Only the error code and our own words survive: got's error object carries the request headers (the token). */
function toNetworkError(err: unknown, url: URL, timeoutMs: number): NetworkError {
  const code = (err as { code?: string }).code ?? "ERR_NETWORK";
  const origin = url.origin;
  if (code === "ETIMEDOUT" || (err as Error).name === "TimeoutError") {
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
