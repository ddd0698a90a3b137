import { spawnSync } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, cliEnv, runCli, startPortalProcess, type PortalProcess } from "../helpers/cli.js";

let portal: PortalProcess;
let proxy: Server;
let proxied: string[] = [];
let proxyUrl: string;

beforeAll(async () => {
  portal = await startPortalProcess();
  // A minimal forward proxy for plain http: the client sends the absolute URL; we forward and count.
  proxy = createServer((req, res) => {
    proxied.push(`${req.method} ${req.url}`);
    const upstream = request(req.url!, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
});
afterAll(async () => {
  proxy?.close();
  await portal?.stop();
});

describe("proxies", () => {
  it("goes through HTTP_PROXY, and around it for hosts in NO_PROXY", async () => {
    const { env, cleanup } = cliEnv(portal.url);
    try {
      proxied = [];
      const via = await runCli(["portal", "clock", "show"], { env: { ...env, HTTP_PROXY: proxyUrl } });
      expect(via.code, via.stderr).toBe(0);
      expect(proxied).toEqual([`GET ${portal.url}/v1/sandbox/clock`]);
      proxied = [];
      const around = await runCli(["portal", "clock", "show"], {
        env: { ...env, HTTP_PROXY: proxyUrl, NO_PROXY: "localhost,127.0.0.1" },
      });
      expect(around.code).toBe(0);
      expect(proxied).toEqual([]);
      // HTTPS_PROXY is for https:// portals only: a plain-http portal is not sent through it.
      const httpsOnly = await runCli(["portal", "clock", "show"], { env: { ...env, HTTPS_PROXY: proxyUrl } });
      expect(httpsOnly.code).toBe(0);
      expect(proxied).toEqual([]);
    } finally {
      cleanup();
    }
  });
});

/** An older Node on this machine (the system one, before npm's pinned Node 24 comes first on PATH). */
const oldNode = ["/usr/local/bin/node", "/usr/bin/node"].find((bin) => {
  const res = spawnSync(bin, ["-p", "process.versions.node"], { encoding: "utf8" });
  return res.status === 0 && Number(res.stdout.split(".")[0]) < 22;
});

describe.runIf(oldNode)("an older Node", () => {
  it("re-runs itself on the project's pinned Node 24", () => {
    const res = spawnSync(oldNode!, [BIN, "--version"], { encoding: "utf8" });
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/node-v2[4-9]\./);
  });
  it("without the pinned Node, stops with a one-line message", () => {
    const res = spawnSync(oldNode!, [BIN, "--version"], {
      encoding: "utf8",
      env: { ...process.env, HNCTL_REEXEC: "1" },
    });
    expect(res.status).toBe(1);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toMatch(/^hnctl: needs Node\.js 22\.13 or newer, this is v\d+/);
  });
});
