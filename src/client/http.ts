import type * as Http from "node:http";
import type * as Net from "node:net";
import type * as Tls from "node:tls";
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

/**
 * Where a request goes: straight to the portal (on `req.agent`, if any) or through the proxy. Adds the
 * proxy's headers to `headers`.
 */
async function requestOptions(
  req: Pick<HttpRequest, "url" | "proxy"> & { agent?: Http.Agent },
  headers: Record<string, string>,
): Promise<Http.RequestOptions> {
  const https = req.url.protocol === "https:";
  const portal = {
    protocol: req.url.protocol,
    hostname: bareHost(req.url),
    port: req.url.port,
    path: req.url.pathname + req.url.search,
  };
  if (req.proxy && https) {
    // https through a proxy: a CONNECT tunnel (hpagent), TLS end to end with the portal.
    const { HttpsProxyAgent } = await import("hpagent");
    return { ...portal, agent: new HttpsProxyAgent({ proxy: req.proxy, keepAlive: false }) };
  }
  if (req.proxy) {
    // Plain http through a proxy: the request goes to the proxy with the absolute URL, as proxies
    // expect (hpagent would open a CONNECT tunnel, which many proxies allow only to port 443).
    const proxy = new URL(req.proxy);
    if (proxy.username) {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers["proxy-authorization"] = `Basic ${Buffer.from(credentials).toString("base64")}`;
    }
    headers.host = req.url.host;
    return { protocol: "http:", hostname: bareHost(proxy), port: proxy.port || 80, path: req.url.href };
  }
  return { ...portal, agent: req.agent };
}

/** The host name as sockets take it: an IPv6 address without its URL brackets. */
const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, "");

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
  const options = await requestOptions(req, headers);
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

/** One GET through node:http whose body is not read here: the response stream is handed over. */
async function httpStream(
  req: Omit<HttpRequest, "json">,
): Promise<{ status: number; headers: Http.IncomingHttpHeaders; body: Http.IncomingMessage }> {
  const https = req.url.protocol === "https:";
  const mod: typeof Http = https ? require("node:https") : require("node:http");
  const headers: Record<string, string> = { ...req.headers };
  const options = await requestOptions(req, headers);
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

export interface DownloadResponse {
  status: number;
  headers: Http.IncomingHttpHeaders;
  /** The body of a response that is not 2xx (an error to read); a 2xx body goes to `onBody` instead. */
  text?: string;
}

/** The most of a non-2xx body kept for its error message. */
const MAX_ERROR_BODY = 1024 * 1024;
/** The most of a response head read before giving up on it. */
const MAX_HEAD = 64 * 1024;
const READ_BUFFER = 1024 * 1024;

/**
 * One GET whose 2xx body is handed to `onBody` as it arrives (file downloads). `onBody` must be done with
 * each chunk when it returns (hash it, write it synchronously): the chunk is a view of a buffer that the
 * next read reuses. An exception from `onBody` ends the download and is rethrown as is. No retries: part of
 * the body may already have been written somewhere.
 *
 * Straight to the portal, the request goes out on a plain TCP or TLS socket and the response is read into
 * one reused 1 MB buffer (`onread`). Why not node:http: it reads the socket into a new 64 KB buffer and
 * its parser copies each into another, and in a short-lived CLI process that fresh memory (twice the
 * body) costs page faults and GC: only receiving 256 MB through node:http took 1.0–1.1 s of CPU (Node 24,
 * loopback), this way 0.3–0.45 s with the SHA-256 and the file writes. The request is HTTP/1.0, which
 * keeps the reading simple: no chunked encoding, the body ends at its content-length or where the server
 * closes the connection. Through a proxy, node:http as before.
 */
export async function httpDownload(
  req: Omit<HttpRequest, "json" | "agent">,
  onBody: (chunk: Buffer) => void,
): Promise<DownloadResponse> {
  if (req.proxy) {
    const res = await httpStream(req);
    const ok = res.status >= 200 && res.status < 300;
    let text = "";
    return new Promise((resolve, reject) => {
      res.body.on("data", (chunk: Buffer) => {
        try {
          if (ok) onBody(chunk);
          else if (text.length < MAX_ERROR_BODY) text += chunk.toString();
        } catch (err) {
          res.body.destroy();
          reject(err);
        }
      });
      res.body.on("end", () =>
        resolve({ status: res.status, headers: res.headers, ...(ok ? {} : { text }) }),
      );
      res.body.on("error", reject);
    });
  }
  return directDownload(req, onBody);
}

function directDownload(
  req: Omit<HttpRequest, "json" | "agent">,
  onBody: (chunk: Buffer) => void,
): Promise<DownloadResponse> {
  const net = require("node:net") as typeof Net;
  const https = req.url.protocol === "https:";
  const host = bareHost(req.url);
  const port = Number(req.url.port) || (https ? 443 : 80);
  const lines = [
    `GET ${req.url.pathname}${req.url.search} HTTP/1.0`,
    `host: ${req.url.host}`,
    ...Object.entries(req.headers).map(([name, value]) => `${name}: ${value}`),
  ];
  // node:http refuses these too: a line break in a header value would inject headers.
  if (lines.some((line) => /[\r\n]/.test(line)))
    return Promise.reject(Object.assign(new Error("invalid header value"), { code: "ERR_INVALID_CHAR" }));

  return new Promise((resolve, reject) => {
    let head: Buffer | undefined = Buffer.alloc(0); // bytes of the head so far; undefined once it is parsed
    let response: DownloadResponse | undefined;
    let ok = false;
    let remaining = Infinity; // body bytes still expected: content-length, or until the server closes
    const errorBody: Buffer[] = [];
    let errorBytes = 0;
    let settled = false;
    const settle = (err?: unknown) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else if (!response)
        reject(Object.assign(new Error("the connection closed before a response"), { code: "ECONNRESET" }));
      else resolve(ok ? response : { ...response, text: Buffer.concat(errorBody).toString("utf8") });
    };
    const body = (chunk: Buffer) => {
      const part = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
      remaining -= part.length;
      if (ok) onBody(part);
      else if (errorBytes < MAX_ERROR_BODY) {
        errorBody.push(Buffer.from(part)); // a copy: the read buffer is reused
        errorBytes += part.length;
      }
      if (remaining === 0) settle();
    };
    const received = (chunk: Buffer) => {
      if (!head) return body(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        if (head.length > MAX_HEAD)
          throw Object.assign(new Error("the response head is too large"), { code: "HPE_HEADER_OVERFLOW" });
        return;
      }
      response = parseHead(head.subarray(0, end).toString("latin1"));
      ok = response.status >= 200 && response.status < 300;
      // Not allowed in an answer to HTTP/1.0: refused rather than its framing written into the file.
      if (response.headers["transfer-encoding"])
        throw Object.assign(new Error("unexpected transfer-encoding"), { code: "HPE_TRANSFER_ENCODING" });
      const length = response.headers["content-length"];
      if (length !== undefined && /^\d+$/.test(length)) remaining = Number(length);
      const rest = head.subarray(end + 4);
      head = undefined;
      if (rest.length) body(rest);
      else if (remaining === 0) settle();
    };

    const onread = {
      buffer: Buffer.allocUnsafe(READ_BUFFER),
      callback: (n: number, buffer: Buffer) => {
        try {
          received(buffer.subarray(0, n));
        } catch (err) {
          settle(err);
        }
        return !settled;
      },
    };
    const socket = https
      ? (require("node:tls") as typeof Tls).connect({
          host,
          port,
          // Like https.request: SNI by name, never with an IP address.
          ...(net.isIP(host) ? {} : { servername: host }),
          ALPNProtocols: ["http/1.1"],
          // tls.connect takes onread like net.connect (documented; missing from @types/node's ConnectionOptions).
          ...({ onread } as object),
        })
      : net.connect({ host, port, onread });
    socket.setTimeout(req.timeoutMs, () =>
      settle(Object.assign(new Error(`timed out after ${req.timeoutMs} ms`), { code: "ETIMEDOUT" })),
    );
    socket.on("error", (err) => settle(err));
    // The server closing ends a body without content-length; a body cut short is left to the caller's size check.
    socket.on("end", () => settle());
    socket.on("close", () => settle());
    socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  });
}

/** `HTTP/1.1 200 OK` and its header lines, names in lower case and repeated ones joined like node:http. */
function parseHead(text: string): DownloadResponse {
  const [statusLine = "", ...lines] = text.split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
  if (!m) throw Object.assign(new Error("not an HTTP response"), { code: "HPE_INVALID_CONSTANT" });
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(m[1]), headers };
}
