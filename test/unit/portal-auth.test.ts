import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TEST_PASSWORD, testPortal, type TestPortal } from "../helpers/portal.js";

let portal: TestPortal;
beforeEach(async () => {
  portal = await testPortal();
});
afterEach(async () => {
  await portal.dispose();
});

const registerBody = (over: Record<string, unknown> = {}) => ({
  groupNumber: "G1000001",
  policyholderId: "1234",
  key: portal.registrationKeys[0],
  username: "acme-admin",
  password: TEST_PASSWORD,
  ...over,
});

describe("registration", () => {
  it("issues and e-mails a key for the pending primary administrator", async () => {
    expect(portal.registrationKeys).toHaveLength(1);
    const out = await portal.call("GET", "/v1/sandbox/outbox?last=true");
    expect(out.status).toBe(200);
    expect(out.body.messages[0].to).toBe("hr-admin@acme.example");
    expect(out.body.messages[0].body).toContain(portal.registrationKeys[0]);
  });

  it("pads the policyholder ID, accepts the key in any case and without dashes, and is single-use", async () => {
    const key = portal.registrationKeys[0]!.replaceAll("-", "").toLowerCase();
    const ok = await portal.call("POST", "/v1/auth/register", {
      body: registerBody({ key, policyholderId: "1234" }),
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ username: "acme-admin", role: "primary-admin" });
    const again = await portal.call("POST", "/v1/auth/register", {
      body: registerBody({ username: "other-name" }),
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("registration_key_used");
  });

  it.each([
    ["wrong policyholder ID", { policyholderId: "999" }, 422, "registration_mismatch", "policyholderId"],
    ["wrong group number", { groupNumber: "G9999999" }, 422, "registration_mismatch", "groupNumber"],
    ["malformed group number", { groupNumber: "1000001" }, 400, "validation_failed", "groupNumber"],
    ["unknown key", { key: "AAAA-BBBB-CCCC-DDDD" }, 422, "registration_key_invalid", "key"],
    ["short password", { password: "short pass" }, 400, "validation_failed", "password"],
    ["common password", { password: "passwordpassword" }, 400, "validation_failed", "password"],
    [
      "password containing the username",
      { password: "acme-admin is my name ok" },
      400,
      "validation_failed",
      "password",
    ],
    ["bad username", { username: "a b" }, 400, "validation_failed", "username"],
    ["unknown field", { role: "primary-admin" }, 400, "validation_failed", ""],
  ])("refuses %s and changes nothing", async (_name, over, status, code, field) => {
    const before = await portal.ctx.db.selectFrom("users").selectAll().execute();
    const res = await portal.call("POST", "/v1/auth/register", { body: registerBody(over) });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (field) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    expect(await portal.ctx.db.selectFrom("users").selectAll().execute()).toEqual(before);
  });

  it("refuses an expired key", async () => {
    portal.clock.offsetMs += 15 * 86_400_000;
    const res = await portal.call("POST", "/v1/auth/register", { body: registerBody() });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("registration_key_expired");
  });
});

describe("login, refresh, logout", () => {
  beforeEach(async () => {
    expect((await portal.call("POST", "/v1/auth/register", { body: registerBody() })).status).toBe(201);
  });

  it("logs in, answers whoami, and stores only token hashes", async () => {
    const login = await portal.call("POST", "/v1/auth/login", {
      body: { username: "ACME-ADMIN", password: TEST_PASSWORD },
    });
    expect(login.status).toBe(200);
    const me = await portal.call("GET", "/v1/me", { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe("acme-admin");
    expect(me.body.employer).toMatchObject({
      name: "Acme Manufacturing",
      policyholderId: "000001234",
      groupNumbers: ["G1000001", "G1000002"],
    });
    expect(me.body.features).toContain("users.manage");
    expect(me.body.scope.employerWide).toBe(true);
    const dump = JSON.stringify(await portal.ctx.db.selectFrom("session_tokens").selectAll().execute());
    expect(dump).not.toContain(login.body.accessToken);
    expect(dump).not.toContain(login.body.refreshToken);
  });

  it("answers wrong password and unknown user alike, then locks after 5 failures", async () => {
    const unknown = await portal.call("POST", "/v1/auth/login", {
      body: { username: "nobody", password: "x" },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toEqual({
      code: "invalid_credentials",
      message: "wrong username or password",
    });
    for (let i = 0; i < 5; i++) {
      const res = await portal.call("POST", "/v1/auth/login", {
        body: { username: "acme-admin", password: "wrong password " + i },
      });
      expect(res.body.error).toEqual(unknown.body.error);
    }
    const locked = await portal.call("POST", "/v1/auth/login", {
      body: { username: "acme-admin", password: TEST_PASSWORD },
    });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("account_locked");
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    portal.clock.offsetMs += 16 * 60_000;
    const after = await portal.call("POST", "/v1/auth/login", {
      body: { username: "acme-admin", password: TEST_PASSWORD },
    });
    expect(after.status).toBe(200);
  });

  it("rotates refresh tokens and revokes the family when a rotated token is reused", async () => {
    const login = await portal.call("POST", "/v1/auth/login", {
      body: { username: "acme-admin", password: TEST_PASSWORD },
    });
    const r1 = await portal.call("POST", "/v1/auth/refresh", {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(login.body.refreshToken);
    const reuse = await portal.call("POST", "/v1/auth/refresh", {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(reuse.status).toBe(401);
    // The thief's reuse killed the legitimate holder's newer tokens too.
    expect((await portal.call("GET", "/v1/me", { token: r1.body.accessToken })).status).toBe(401);
    expect(
      (await portal.call("POST", "/v1/auth/refresh", { body: { refreshToken: r1.body.refreshToken } }))
        .status,
    ).toBe(401);
  });

  it("expires access tokens and revokes the session on logout", async () => {
    const login = await portal.call("POST", "/v1/auth/login", {
      body: { username: "acme-admin", password: TEST_PASSWORD },
    });
    portal.clock.offsetMs += 16 * 60_000;
    const expired = await portal.call("GET", "/v1/me", { token: login.body.accessToken });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("token_expired");
    const refreshed = await portal.call("POST", "/v1/auth/refresh", {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const out = await portal.call("POST", "/v1/auth/logout", {
      body: { refreshToken: refreshed.body.refreshToken },
    });
    expect(out.body).toEqual({ revoked: true });
    expect((await portal.call("GET", "/v1/me", { token: refreshed.body.accessToken })).status).toBe(401);
  });
});

describe("error shape", () => {
  it("answers unknown routes, bad JSON, oversized bodies and missing tokens with the contract's error", async () => {
    const unknown = await portal.call("GET", "/v1/nope");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("route_not_found");
    const badJson = await portal.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload: "{nope",
    });
    expect(badJson.statusCode).toBe(400);
    expect(JSON.parse(badJson.body).error.code).toBe("bad_json");
    const big = await portal.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ username: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    expect(JSON.parse(big.body).error.code).toBe("payload_too_large");
    const anon = await portal.call("GET", "/v1/me");
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe("unauthorized");
    for (const r of [unknown, anon]) expect(JSON.stringify(r.body)).not.toMatch(/at .*\.js|stack/);
  });
});
