import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendFile } from "../../src/portal/send-file.js";

// Many turns of the two 1 MB buffers, the last one partial; more than loopback sockets buffer, so a client
// that goes away does so mid-file.
const content = randomBytes(24.5 * 1024 * 1024);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
let dir: string;
let server: Server;
let port: number;
/** Each request's file handle, the promise of its sendFile, and whether the response completed. */
const sent: { file: FileHandle; done: Promise<void>; finished: () => boolean }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hnctl-send-file-"));
  writeFileSync(join(dir, "report.csv"), content);
  server = createServer(async (_req, res) => {
    const file = await open(join(dir, "report.csv"));
    res.writeHead(200, { "content-type": "text/csv", "content-length": content.length });
    sent.push({ file, done: sendFile(file, res), finished: () => res.writableFinished });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (method = "GET") =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    request({ host: "127.0.0.1", port, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });

/** A closed FileHandle has fd -1. */
const isClosed = (file: FileHandle) => file.fd === -1;

describe("sendFile", () => {
  it("sends the whole file through two reused buffers, then closes it", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String(content.length));
    expect(sha(res.body)).toBe(sha(content));
    await sent.at(-1)!.done;
    expect(isClosed(sent.at(-1)!.file)).toBe(true);
  });

  it("answers HEAD with the head only, without reading the file", async () => {
    const res = await get("HEAD");
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String(content.length));
    expect(res.body.length).toBe(0);
    await sent.at(-1)!.done;
    expect(isClosed(sent.at(-1)!.file)).toBe(true);
  });

  it("stops and closes the file when the client goes away mid-file", async () => {
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port }, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", () => undefined);
      req.end();
      setTimeout(() => reject(new Error("no data")), 5000);
    });
    await sent.at(-1)!.done;
    expect(sent.at(-1)!.finished()).toBe(false);
    expect(isClosed(sent.at(-1)!.file)).toBe(true);
    // The server still serves the next one whole.
    expect(sha((await get()).body)).toBe(sha(content));
  });
});
