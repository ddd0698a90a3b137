import type * as Http from "node:http";
import { createRequire } from "node:module";

// node:http(s) through require(), not `import`: an ES import of node:http builds its namespace by reading
// every export, and on Node 24 the lazy `WebSocket`/`MessageEvent`/`CloseEvent` getters then load undici
// (~50 ms on every request-making command; got pays it too, plus ~75 ms of its own). require() keeps them lazy.
const require = createRequire(import.meta.url);

export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** Sent as JSON (content-type set here). */
  json?: unknown;
  /** Per attempt, from sending to the end of the response body. */
  timeoutMs: number;
  /** Proxy URL for this request (see proxy.ts for which one applies). */
  proxy?: string;
  /** A keep-alive agent for bulk work (not used through a proxy). */
  agent?: Http.Agent;
}

export interface HttpResponse {
  status: number;
  headers: Http.IncomingHttpHeaders;
  body: string;
}

export interface RetryPolicy {
  /** Extra attempts after the first; 0 for requests that are not safe to repeat. */
  retries: number;
  statusCodes: readonly number[];
  /** A Retry-After longer than this is not waited for: the response is returned as it is. */
  maxRetryAfterMs: number;
  backoffLimitMs: number;
}

/** Connection-level failures worth another attempt (the request may not have arrived, or its answer was lost). */
const RETRY_ERROR_CODES = new Set([
  "ETIMEDOUT",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ENOTFOUND",
  "ENETUNREACH",
  "EAI_AGAIN",
  "EHOSTUNREACH",
]);

/** One attempt. Rejects with the socket error (its `code` set); nothing here keeps the request headers. */
async function once(req: HttpRequest): Promise<HttpResponse> {
  const https = req.url.protocol === "https:";
  const mod: typeof Http = https ? require("node:https") : require("node:http");
  const body = req.json === undefined ? undefined : JSON.stringify(req.json);
  const headers: Record<string, string> = { ...req.headers };
  if (body) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(body));
  }
  let options: Http.RequestOptions = {
    protocol: req.url.protocol,
    hostname: req.url.hostname.replace(/^\[|\]$/g, ""),
    port: req.url.port,
    path: req.url.pathname + req.url.search,
    agent: req.agent,
  };
  if (req.proxy && https) {
    // https through a proxy: a CONNECT tunnel (hpagent), TLS end to end with the portal.
    const { HttpsProxyAgent } = await import("hpagent");
    options.agent = new HttpsProxyAgent({ proxy: req.proxy, keepAlive: false });
  } else if (req.proxy) {
    // Plain http through a proxy: the request goes to the proxy with the absolute URL, as proxies
    // expect (hpagent would open a CONNECT tunnel, which many proxies allow only to port 443).
    const proxy = new URL(req.proxy);
    if (proxy.username) {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers["proxy-authorization"] = `Basic ${Buffer.from(credentials).toString("base64")}`;
    }
    headers.host = req.url.host;
    options = {
      protocol: "http:",
      hostname: proxy.hostname.replace(/^\[|\]$/g, ""),
      port: proxy.port || 80,
      path: req.url.href,
    };
  }
  return new Promise((resolve, reject) => {
    const request = mod.request({ ...options, method: req.method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
      });
      res.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const timer = setTimeout(() => {
      request.destroy(Object.assign(new Error(`timed out after ${req.timeoutMs} ms`), { code: "ETIMEDOUT" }));
    }, req.timeoutMs);
    request.on("error", (err) => {
      clearTimeout(timer);
      reject(Object.assign(new Error((err as Error).message), { code: (err as { code?: string }).code }));
    });
    request.end(body);
  });
}

/** A response whose status asks for another attempt; carries it so the last one can be returned as is. */
class RetryableStatus extends Error {
  constructor(readonly response: HttpResponse) {
    super(`HTTP ${response.status}`);
  }
}

function retryAfterMs(res: HttpResponse): number | undefined {
  const header = res.headers["retry-after"];
  if (header === undefined) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/**
 * A request with retries (p-retry: exponential backoff with jitter): retryable statuses and
 * connection errors are tried again up to `policy.retries` times; a Retry-After from the portal is
 * honoured up to `maxRetryAfterMs`, beyond which the response is returned rather than waited for.
 */
export async function httpRequest(req: HttpRequest, policy: RetryPolicy): Promise<HttpResponse> {
  const { default: pRetry, AbortError } = await import("p-retry");
  try {
    return await pRetry(
      async () => {
        const res = await once(req);
        if (!policy.statusCodes.includes(res.status)) return res;
        const wait = retryAfterMs(res);
        if (wait !== undefined && wait > policy.maxRetryAfterMs)
          throw new AbortError(new RetryableStatus(res));
        throw new RetryableStatus(res);
      },
      {
        retries: policy.retries,
        minTimeout: 500,
        maxTimeout: policy.backoffLimitMs,
        randomize: true,
        shouldRetry: ({ error }) =>
          error instanceof RetryableStatus || RETRY_ERROR_CODES.has((error as { code?: string }).code ?? ""),
        onFailedAttempt: async ({ error, retriesLeft }) => {
          const wait =
            error instanceof RetryableStatus && retriesLeft > 0 ? retryAfterMs(error.response) : undefined;
          if (wait) await new Promise((r) => setTimeout(r, wait));
        },
      },
    );
  } catch (err) {
    if (err instanceof RetryableStatus) return err.response;
    throw err;
  }
}

/**
 * One GET whose body is not read here: the response stream is handed over (file downloads). No retries:
 * the caller decides, since part of the body may already have been written somewhere.
 */
export async function httpStream(
  req: Omit<HttpRequest, "json">,
): Promise<{ status: number; headers: Http.IncomingHttpHeaders; body: Http.IncomingMessage }> {
  const https = req.url.protocol === "https:";
  const mod: typeof Http = https ? require("node:https") : require("node:http");
  const headers: Record<string, string> = { ...req.headers };
  let options: Http.RequestOptions = {
    protocol: req.url.protocol,
    hostname: req.url.hostname.replace(/^\[|\]$/g, ""),
    port: req.url.port,
    path: req.url.pathname + req.url.search,
  };
  if (req.proxy && https) {
    const { HttpsProxyAgent } = await import("hpagent");
    options.agent = new HttpsProxyAgent({ proxy: req.proxy, keepAlive: false });
  } else if (req.proxy) {
    const proxy = new URL(req.proxy);
    if (proxy.username) {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers["proxy-authorization"] = `Basic ${Buffer.from(credentials).toString("base64")}`;
    }
    headers.host = req.url.host;
    options = {
      protocol: "http:",
      hostname: proxy.hostname.replace(/^\[|\]$/g, ""),
      port: proxy.port || 80,
      path: req.url.href,
    };
  }
  return new Promise((resolve, reject) => {
    const request = mod.request({ ...options, method: req.method, headers }, (res) => {
      res.setTimeout(req.timeoutMs, () =>
        res.destroy(Object.assign(new Error(`timed out after ${req.timeoutMs} ms`), { code: "ETIMEDOUT" })),
      );
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
    });
    request.setTimeout(req.timeoutMs, () =>
      request.destroy(Object.assign(new Error(`timed out after ${req.timeoutMs} ms`), { code: "ETIMEDOUT" })),
    );
    request.on("error", (err) =>
      reject(Object.assign(new Error((err as Error).message), { code: (err as { code?: string }).code })),
    );
    request.end();
  });
}
