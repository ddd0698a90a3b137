import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPortal, type Portal, type PortalOptions } from "../../src/portal/server.js";

export const TEST_PASSWORD = "blue harbor lantern 42";

export interface TestPortal extends Portal {
  dir: string;
  /** Fastify inject with JSON in and out. */
  call(
    method: string,
    url: string,
    opts?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  /** Registers the demo primary administrator and logs in; returns the access token. */
  registerPrimary(username?: string): Promise<{ accessToken: string; refreshToken: string }>;
  dispose(): Promise<void>;
}

/** An in-process portal on a temp SQLite file, with the demo employer. */
export async function testPortal(opts: Partial<PortalOptions> = {}): Promise<TestPortal> {
  const dir = mkdtempSync(join(tmpdir(), "hnctl-portal-"));
  const portal = await createPortal({
    dbFile: join(dir, "portal.db"),
    version: "test",
    demo: true,
    logger: false,
    authRateLimit: 10_000,
    ...opts,
  });
  const call: TestPortal["call"] = async (method, url, o = {}) => {
    const res = await portal.app.inject({
      method: method as "GET",
      url,
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers },
      ...(o.body !== undefined ? { payload: o.body as object } : {}),
    });
    return {
      status: res.statusCode,
      // JSON, except a file download (a report), which comes back as its text.
      body: res.body
        ? /json/.test(String(res.headers["content-type"]))
          ? JSON.parse(res.body)
          : res.body
        : undefined,
      headers: res.headers,
    };
  };
  return {
    ...portal,
    dir,
    call,
    async registerPrimary(username = "acme-admin") {
      const reg = await call("POST", "/v1/auth/register", {
        body: {
          groupNumber: "G1000001",
          policyholderId: "1234",
          key: portal.registrationKeys[0],
          username,
          password: TEST_PASSWORD,
        },
      });
      if (reg.status !== 201) throw new Error(`register failed: ${JSON.stringify(reg.body)}`);
      const login = await call("POST", "/v1/auth/login", { body: { username, password: TEST_PASSWORD } });
      if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
      return login.body;
    },
    async dispose() {
      await portal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
