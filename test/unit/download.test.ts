import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, request } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import * as tls from "node:tls";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../../src/client/errors.js";
import { httpDownload } from "../../src/client/http.js";
import { PortalClient } from "../../src/client/portal-client.js";

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) {
    (s as { closeAllConnections?: () => void }).closeAllConnections?.();
    s.close();
  }
});
const listen = async <S extends Server>(server: S) => {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
};

/** A TCP server that answers each request head with `answer(socket, head)`, byte for byte as we choose. */
const raw = (answer: (socket: Socket, head: string) => void) =>
  listen(
    createServer((socket) => {
      sockets.push(socket);
      let head = "";
      socket.on("data", (d) => {
        head += d.toString("latin1");
        if (head.includes("\r\n\r\n")) answer(socket, head);
      });
      socket.on("error", () => undefined);
    }),
  );

const pause = () => new Promise((r) => setTimeout(r, 5));
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Downloads `url` and collects the body (copies: each chunk is valid only during the call). */
async function fetchAll(url: string, headers: Record<string, string> = {}, opts: { proxy?: string } = {}) {
  const chunks: Buffer[] = [];
  const res = await httpDownload(
    { method: "GET", url: new URL(url), headers, timeoutMs: 5000, ...opts },
    (c) => chunks.push(Buffer.from(c)),
  );
  return { ...res, body: Buffer.concat(chunks), chunks: chunks.length };
}

describe("httpDownload", () => {
  it("sends an HTTP/1.0 GET and reads head and body wherever the reads split them", async () => {
    let seen = "";
    const host = await raw(async (socket, head) => {
      seen = head;
      const response =
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-Report-SHA256: ab\r\nVia: a\r\nVia: b\r\n\r\n0123456789";
      // One byte at a time through the head, then the body in two pieces.
      for (const piece of [...response.slice(0, -10).split(""), "01234", "56789"]) {
        socket.write(piece);
        await pause();
      }
    });
    const res = await fetchAll(`http://${host}/v1/reports/rpt_1/file?x=1`, { authorization: "Bearer t" });
    expect(seen.split("\r\n")).toEqual([
      "GET /v1/reports/rpt_1/file?x=1 HTTP/1.0",
      `host: ${host}`,
      "authorization: Bearer t",
      "",
      "",
    ]);
    expect(res.status).toBe(200);
    expect(res.headers["x-report-sha256"]).toBe("ab");
    expect(res.headers["via"]).toBe("a, b");
    expect(res.body.toString()).toBe("0123456789");
    expect(res.text).toBeUndefined();
  });

  it("a body without content-length ends where the server closes the connection", async () => {
    const host = await raw((socket) => socket.end("HTTP/1.0 200 OK\r\n\r\nall of it"));
    expect((await fetchAll(`http://${host}/`)).body.toString()).toBe("all of it");
  });

  it("a body cut short resolves with what came: the caller's size check tells", async () => {
    const host = await raw((socket) => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly this"));
    const res = await fetchAll(`http://${host}/`);
    expect(res.headers["content-length"]).toBe("100");
    expect(res.body.toString()).toBe("only this");
  });

  it("refuses a chunked answer (not allowed for HTTP/1.0) rather than write its framing into the file", async () => {
    const host = await raw((socket) =>
      socket.end("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
    );
    await expect(fetchAll(`http://${host}/`)).rejects.toMatchObject({ code: "HPE_TRANSFER_ENCODING" });
  });

  it("an error status: its body comes back as text and nothing goes to onBody", async () => {
    const host = await raw((socket) =>
      socket.write('HTTP/1.1 404 Not Found\r\ncontent-length: 27\r\n\r\n{"error":{"code":"nope"}}\r\n'),
    );
    const res = await fetchAll(`http://${host}/`);
    expect(res.status).toBe(404);
    expect(res.chunks).toBe(0);
    expect(JSON.parse(res.text!)).toEqual({ error: { code: "nope" } });
  });

  it("an exception from onBody ends the download and is rethrown as is", async () => {
    const host = await listen(createHttpServer((_req, res) => res.end(randomBytes(4 * 1024 * 1024))));
    const disk = Object.assign(new Error("no space left"), { code: "ENOSPC" });
    const calls: number[] = [];
    await expect(
      httpDownload({ method: "GET", url: new URL(`http://${host}/`), headers: {}, timeoutMs: 5000 }, (c) => {
        calls.push(c.length);
        throw disk;
      }),
    ).rejects.toBe(disk);
    expect(calls).toHaveLength(1);
  });

  it("times out on a server that never answers, and refuses a line break in a header", async () => {
    const host = await raw(() => undefined);
    await expect(
      httpDownload(
        { method: "GET", url: new URL(`http://${host}/`), headers: {}, timeoutMs: 100 },
        () => undefined,
      ),
    ).rejects.toMatchObject({ code: "ETIMEDOUT" });
    await expect(
      fetchAll(`http://${host}/`, { authorization: "Bearer t\r\nx-evil: 1" }),
    ).rejects.toMatchObject({
      code: "ERR_INVALID_CHAR",
    });
  });

  it("many reads into the one reused buffer make the same bytes (8 MB from node:http)", async () => {
    const content = randomBytes(8 * 1024 * 1024 + 17);
    const host = await listen(
      createHttpServer((_req, res) => res.writeHead(200, { "content-length": content.length }).end(content)),
    );
    const res = await fetchAll(`http://${host}/`);
    expect(res.body.length).toBe(content.length);
    expect(sha(res.body)).toBe(sha(content));
  });

  it("through a proxy: node:http, the absolute URL sent to the proxy", async () => {
    const origin = await listen(
      createHttpServer((_req, res) => res.writeHead(200, { "content-length": 5 }).end("hello")),
    );
    const proxied: string[] = [];
    const proxy = await listen(
      createHttpServer((req, res) => {
        proxied.push(req.url!);
        request(req.url!, { headers: req.headers }, (up) => {
          res.writeHead(up.statusCode!, up.headers);
          up.pipe(res);
        }).end();
      }),
    );
    const res = await fetchAll(`http://${origin}/file`, {}, { proxy: `http://${proxy}` });
    expect(res.body.toString()).toBe("hello");
    expect(proxied).toEqual([`http://${origin}/file`]);
  });
});

// tls.setDefaultCACertificates: Node 22.19 / 24.5 and later.
const openssl =
  spawnSync("openssl", ["version"]).status === 0 && typeof tls.setDefaultCACertificates === "function";

describe.runIf(openssl)("httpDownload over https", () => {
  it("refuses a certificate it cannot verify, like https.request; reads the body through TLS", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hnctl-tls-"));
    try {
      const made = spawnSync("openssl", [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ]);
      expect(made.status).toBe(0);
      const content = randomBytes(3 * 1024 * 1024);
      const host = await listen(
        createHttpsServer(
          { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
          (_req, res) => res.writeHead(200, { "content-length": content.length }).end(content),
        ),
      );
      const url = `https://localhost:${host.split(":")[1]}/`;
      await expect(fetchAll(url)).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
      // Trusted once it is among the default CAs (as NODE_EXTRA_CA_CERTS would make it).
      const defaults = tls.getCACertificates("default");
      tls.setDefaultCACertificates([...defaults, readFileSync(join(dir, "cert.pem"), "utf8")]);
      try {
        expect(sha((await fetchAll(url)).body)).toBe(sha(content));
      } finally {
        tls.setDefaultCACertificates(defaults);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("PortalClient.download", () => {
  it("refreshes once after a 401, maps an error answer to ApiError and a dead portal to NetworkError", async () => {
    const seen: string[] = [];
    const host = await listen(
      createHttpServer((req, res) => {
        seen.push(req.headers.authorization ?? "");
        if (req.headers.authorization === "Bearer new" && req.url === "/v1/reports/rpt_1/file")
          return res.writeHead(200, { "content-length": 3, "x-report-sha256": "s" }).end("abc");
        const body = JSON.stringify({ error: { code: "not_found", message: "report rpt_2 is gone" } });
        res.writeHead(req.headers.authorization === "Bearer new" ? 404 : 401, {
          "content-type": "application/json",
        });
        res.end(body);
      }),
    );
    let token = "old";
    const client = new PortalClient({
      baseUrl: `http://${host}`,
      env: {},
      tokens: {
        token: async () => token,
        refreshAfterUnauthorized: async () => {
          token = "new";
          return true;
        },
      },
    });
    const chunks: string[] = [];
    const res = await client.download("reportDownload", { params: { reportId: "rpt_1" } }, (c) =>
      chunks.push(c.toString()),
    );
    expect(res).toMatchObject({ size: 3, headers: { "x-report-sha256": "s" } });
    expect(chunks.join("")).toBe("abc");
    expect(seen).toEqual(["Bearer old", "Bearer new"]);
    const err = await client
      .download("reportDownload", { params: { reportId: "rpt_2" } }, () => undefined)
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: "not_found", message: "report rpt_2 is gone" });
    const dead = new PortalClient({ baseUrl: "http://127.0.0.1:1", env: {} });
    const down = await dead
      .download("reportDownload", { params: { reportId: "rpt_1" } }, () => undefined)
      .catch((e) => e);
    expect(down).toBeInstanceOf(NetworkError);
    expect(down.code).toBe("unreachable");
  });
});
