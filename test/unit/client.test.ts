import { createServer } from "node:net";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../../src/client/errors.js";
import { PortalClient, type TokenSource } from "../../src/client/portal-client.js";
import { proxyFor } from "../../src/client/proxy.js";

const BASE = "http://portal.test";
const me = {
  user: { id: "usr_1", username: "acme-admin", name: "A", email: "a@acme.example", role: "primary-admin" },
  employer: { id: "emp_1", name: "Acme", policyholderId: "000001234", groupNumbers: ["G1000001"] },
  features: ["enrollment.view"],
  scope: { employerWide: true, groups: [], locations: [] },
  credential: { kind: "session", expiresAt: "2026-11-27T21:00:00.000Z" },
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

const client = (tokens?: TokenSource, timeoutMs?: number) =>
  new PortalClient({ baseUrl: BASE, tokens, timeoutMs, env: {} });

describe("PortalClient", () => {
  it("sends the bearer token and validates the answer against the contract", async () => {
    nock(BASE).get("/v1/me").matchHeader("authorization", "Bearer hna_x").reply(200, me);
    expect((await client({ token: async () => "hna_x" }).call("whoami")).user.username).toBe("acme-admin");
  });

  it("retries idempotent requests on 503 and 502", async () => {
    nock(BASE)
      .get("/v1/health")
      .reply(503)
      .get("/v1/health")
      .reply(502)
      .get("/v1/health")
      .reply(200, { status: "ok", version: "1", sandbox: true });
    expect((await client().call("health")).status).toBe("ok");
  });

  it("does not retry a POST without an Idempotency-Key", async () => {
    nock(BASE)
      .post("/v1/auth/login")
      .reply(503, { error: { code: "unavailable", message: "busy" } });
    await expect(client().call("login", { body: { username: "u", password: "p" } })).rejects.toMatchObject({
      status: 503,
      code: "unavailable",
    });
  });

  it("retries a POST that carries an Idempotency-Key, with the same key", async () => {
    const pair = {
      tokenType: "Bearer",
      accessToken: "a",
      accessTokenExpiresAt: "2026-11-27T21:00:00.000Z",
      refreshToken: "r",
      refreshTokenExpiresAt: "2026-12-27T21:00:00.000Z",
    };
    nock(BASE)
      .post("/v1/auth/login")
      .matchHeader("idempotency-key", "k-1")
      .reply(502)
      .post("/v1/auth/login")
      .matchHeader("idempotency-key", "k-1")
      .reply(200, pair);
    expect(
      (await client().call("login", { body: { username: "u", password: "p" } }, { idempotencyKey: "k-1" }))
        .accessToken,
    ).toBe("a");
  });

  it("maps the contract's error shape to ApiError with details", async () => {
    nock(BASE)
      .post("/v1/auth/register")
      .reply(400, {
        error: {
          code: "validation_failed",
          message: "password is too short",
          details: [{ path: "password", message: "is too short" }],
        },
      });
    const err = await client()
      .call("register", {
        body: { groupNumber: "G1000001", policyholderId: "1", key: "k", username: "u", password: "p" },
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      code: "validation_failed",
      details: [{ path: "password", message: "is too short" }],
    });
  });

  it("maps a non-JSON 500 to a generic ApiError", async () => {
    nock(BASE).get("/v1/health").reply(500, "<html>oops</html>"); // 500 is not retried: the portal failed, not the network
    await expect(client().call("health")).rejects.toMatchObject({
      status: 500,
      code: "internal",
      message: "the portal failed to answer (HTTP 500)",
    });
  });

  it("times out with a NetworkError that carries no request details", async () => {
    // A real socket that accepts and never answers: the timeout is about sockets, so no nock here.
    const sockets: import("node:net").Socket[] = [];
    const server = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    nock.enableNetConnect("127.0.0.1");
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const slow = new PortalClient({
        baseUrl: url,
        tokens: { token: async () => "hna_secret_token_value" },
        timeoutMs: 200,
        retries: 0,
        env: {},
      });
      const err = await slow.call("health").catch((e) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.message).toBe(`the portal at ${url} did not answer within 0 s`);
      expect(JSON.stringify(err) + String(err.stack)).not.toContain("hna_secret_token_value");
    } finally {
      nock.disableNetConnect();
      sockets.forEach((s) => s.destroy());
      server.close();
    }
  });

  it("refreshes once after a 401 and repeats the request with the new token", async () => {
    let token = "hna_old";
    let refreshed = 0;
    const tokens: TokenSource = {
      token: async () => token,
      refreshAfterUnauthorized: async () => {
        refreshed++;
        token = "hna_new";
        return true;
      },
    };
    nock(BASE)
      .get("/v1/me")
      .matchHeader("authorization", "Bearer hna_old")
      .reply(401, { error: { code: "token_expired", message: "expired" } });
    nock(BASE).get("/v1/me").matchHeader("authorization", "Bearer hna_new").reply(200, me);
    expect((await client(tokens).call("whoami")).user.id).toBe("usr_1");
    expect(refreshed).toBe(1);
  });

  it("gives up after one refresh when the portal still says 401", async () => {
    const tokens: TokenSource = { token: async () => "hna_x", refreshAfterUnauthorized: async () => true };
    nock(BASE)
      .get("/v1/me")
      .times(2)
      .reply(401, { error: { code: "unauthorized", message: "no" } });
    await expect(client(tokens).call("whoami")).rejects.toMatchObject({ status: 401 });
  });

  it("trusts a portal that speaks the same contract, and checks one that does not", async () => {
    const { CONTRACT_HASH } = await import("../../src/contract/route-index.js");
    nock(BASE)
      .get("/v1/me")
      .reply(200, { user: "same contract, not re-validated" }, { "x-contract-hash": CONTRACT_HASH });
    expect(await client({ token: async () => "t" }).call("whoami")).toEqual({
      user: "same contract, not re-validated",
    });
    nock(BASE).get("/v1/me").reply(200, me, { "x-contract-hash": "0000000000000000" });
    expect((await client({ token: async () => "t" }).call("whoami")).user.id).toBe("usr_1");
  });

  it("refuses an answer that does not match the contract", async () => {
    nock(BASE).get("/v1/me").reply(200, { user: "nope" });
    await expect(client({ token: async () => "t" }).call("whoami")).rejects.toMatchObject({
      code: "bad_response",
    });
  });
});

describe("proxyFor", () => {
  const env = {
    HTTPS_PROXY: "http://proxy:3128",
    http_proxy: "http://plain-proxy:3128",
    NO_PROXY: "localhost,.internal.example,10.0.0.1:8443",
  };
  it.each([
    ["https://portal.example.com", "http://proxy:3128"],
    ["http://portal.example.com", "http://plain-proxy:3128"],
    ["https://localhost:4010", undefined],
    ["https://api.internal.example", undefined],
    ["https://internal.example", undefined],
    ["https://notinternal.example", "http://proxy:3128"],
    ["https://10.0.0.1:8443", undefined],
    ["https://10.0.0.1", "http://proxy:3128"],
  ])("%s → %s", (url, expected) => {
    expect(proxyFor(new URL(url), env)).toBe(expected);
  });
  it("NO_PROXY=* turns proxies off, and no proxy variable means none", () => {
    expect(proxyFor(new URL("https://x.example"), { ...env, NO_PROXY: "*" })).toBeUndefined();
    expect(proxyFor(new URL("https://x.example"), {})).toBeUndefined();
  });
});
