import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TEST_PASSWORD, testPortal, type TestPortal } from "../helpers/portal.js";

let portal: TestPortal;
let admin: string;
beforeEach(async () => {
  portal = await testPortal();
  admin = (await portal.registerPrimary()).accessToken;
});
afterEach(async () => {
  await portal.dispose();
});

/** Creates a user as `token`, registers them with the e-mailed key, logs in; returns id and access token. */
async function onboard(token: string, body: Record<string, unknown>, username: string) {
  const created = await portal.call("POST", "/v1/users", { token, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const mail = await portal.call(
    "GET",
    `/v1/sandbox/outbox?last=true&to=${encodeURIComponent(body.email as string)}`,
  );
  const key = /Registration key: (\S+)/.exec(mail.body.messages[0].body)![1];
  const reg = await portal.call("POST", "/v1/auth/register", {
    body: { groupNumber: "G1000001", policyholderId: "1234", key, username, password: TEST_PASSWORD },
  });
  expect(reg.status, JSON.stringify(reg.body)).toBe(201);
  const login = await portal.call("POST", "/v1/auth/login", { body: { username, password: TEST_PASSWORD } });
  return {
    id: created.body.id as string,
    token: login.body.accessToken as string,
    refreshToken: login.body.refreshToken as string,
  };
}

const groupAdminBody = {
  role: "group-admin",
  name: "Gail Group",
  email: "gail@acme.example",
  features: ["enrollment.view", "enrollment.edit", "users.manage"],
  groups: ["G1000001"],
};

async function unchanged<T>(fn: () => Promise<T>): Promise<T> {
  const dump = async () =>
    JSON.stringify(await portal.ctx.db.selectFrom("users").selectAll().execute()) +
    JSON.stringify(await portal.ctx.db.selectFrom("user_features").selectAll().execute()) +
    JSON.stringify(await portal.ctx.db.selectFrom("api_tokens").selectAll().execute());
  const before = await dump();
  const result = await fn();
  expect(await dump()).toBe(before);
  return result;
}

describe("creating users", () => {
  it("creates a group admin who registers with the e-mailed key and sees only their grants", async () => {
    const gail = await onboard(admin, groupAdminBody, "gail");
    const me = await portal.call("GET", "/v1/me", { token: gail.token });
    expect(me.body.user.role).toBe("group-admin");
    expect(me.body.features).toEqual(["enrollment.edit", "enrollment.view", "users.manage"]);
    expect(me.body.scope).toEqual({ employerWide: false, groups: ["G1000001"], locations: [] });
  });

  it("lets a group admin create a delegate within their own features and scope", async () => {
    const gail = await onboard(admin, groupAdminBody, "gail");
    const ok = await portal.call("POST", "/v1/users", {
      token: gail.token,
      body: {
        role: "delegate",
        name: "TPA",
        email: "tpa@tpa.example",
        features: ["enrollment.view"],
        groups: ["G1000001"],
        locations: ["DET"],
      },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.scope).toEqual({ employerWide: false, groups: ["G1000001"], locations: ["DET"] });
    const list = await portal.call("GET", "/v1/users", { token: gail.token });
    expect(list.body.users.map((u: { email: string }) => u.email).sort()).toEqual([
      "gail@acme.example",
      "tpa@tpa.example",
    ]);
  });

  it.each([
    [
      "a second secondary admin",
      "P",
      { role: "secondary-admin", name: "Second", email: "s2@acme.example" },
      409,
      "conflict",
    ],
    [
      "a group admin by a group admin",
      "G",
      { ...groupAdminBody, email: "g2@acme.example" },
      403,
      "forbidden",
    ],
    [
      "a delegate with more features than its creator",
      "G",
      {
        role: "delegate",
        name: "D",
        email: "d@acme.example",
        features: ["billing.pay"],
        groups: ["G1000001"],
      },
      403,
      "forbidden",
    ],
    [
      "a delegate with a wider scope than its creator",
      "G",
      {
        role: "delegate",
        name: "D",
        email: "d@acme.example",
        features: ["enrollment.view"],
        locations: ["DET"],
      },
      403,
      "forbidden",
    ],
    [
      "a delegate with users.manage",
      "P",
      {
        role: "delegate",
        name: "D",
        email: "d@acme.example",
        features: ["users.manage"],
        groups: ["G1000001"],
      },
      422,
      "unprocessable",
    ],
    [
      "a delegate without a scope",
      "P",
      { role: "delegate", name: "D", email: "d@acme.example", features: ["enrollment.view"] },
      422,
      "unprocessable",
    ],
    ["an e-mail already used", "P", { ...groupAdminBody, email: "hr-admin@acme.example" }, 409, "conflict"],
    [
      "an unknown feature",
      "P",
      { ...groupAdminBody, email: "x@acme.example", features: ["enrollment.delete"] },
      400,
      "validation_failed",
    ],
    [
      "an unknown group",
      "P",
      { ...groupAdminBody, email: "x@acme.example", groups: ["G9999999"] },
      422,
      "unprocessable",
    ],
    [
      "a primary admin",
      "P",
      { ...groupAdminBody, role: "primary-admin", email: "x@acme.example" },
      400,
      "validation_failed",
    ],
    ["an invalid e-mail", "P", { ...groupAdminBody, email: "not-an-email" }, 400, "validation_failed"],
  ])("refuses %s, changing nothing", async (_name, who, body, status, code) => {
    await portal.call("POST", "/v1/users", {
      token: admin,
      body: { role: "secondary-admin", name: "Sam Second", email: "sam@acme.example" },
    });
    const token = who === "P" ? admin : (await onboard(admin, groupAdminBody, "gail")).token;
    const res = await unchanged(() => portal.call("POST", "/v1/users", { token, body }));
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
  });
});

describe("disabling", () => {
  it("revokes the user's sessions and API tokens at once, and the primary cannot be disabled", async () => {
    const gail = await onboard(admin, groupAdminBody, "gail");
    const token = await portal.call("POST", "/v1/auth/tokens", {
      token: gail.token,
      body: { name: "cron", features: ["enrollment.view"] },
    });
    expect(token.status).toBe(201);
    expect((await portal.call("GET", "/v1/me", { token: token.body.token })).status).toBe(200);
    const disabled = await portal.call("POST", `/v1/users/${gail.id}/disable`, { token: admin });
    expect(disabled.body.status).toBe("disabled");
    expect((await portal.call("GET", "/v1/me", { token: gail.token })).status).toBe(401);
    expect((await portal.call("GET", "/v1/me", { token: token.body.token })).status).toBe(401);
    expect(
      (await portal.call("POST", "/v1/auth/refresh", { body: { refreshToken: gail.refreshToken } })).status,
    ).toBe(401);
    expect(
      (await portal.call("POST", "/v1/auth/login", { body: { username: "gail", password: TEST_PASSWORD } }))
        .status,
    ).toBe(403);
    // Enabled again, they sign in afresh; the old tokens stay dead.
    expect((await portal.call("POST", `/v1/users/${gail.id}/enable`, { token: admin })).body.status).toBe(
      "active",
    );
    expect((await portal.call("GET", "/v1/me", { token: token.body.token })).status).toBe(401);
    expect(
      (await portal.call("POST", "/v1/auth/login", { body: { username: "gail", password: TEST_PASSWORD } }))
        .status,
    ).toBe(200);

    const sam = await onboard(
      admin,
      { role: "secondary-admin", name: "Sam Second", email: "sam@acme.example" },
      "sam",
    );
    const me = await portal.call("GET", "/v1/me", { token: admin });
    const res = await unchanged(() =>
      portal.call("POST", `/v1/users/${me.body.user.id}/disable`, { token: sam.token }),
    );
    expect(res.status).toBe(404); // the secondary does not manage the primary
    const self = await unchanged(() =>
      portal.call("POST", `/v1/users/${me.body.user.id}/disable`, { token: admin }),
    );
    expect(self.status).toBe(403);
  });
});

describe("API tokens", () => {
  it("are shown once, carry a subset of features, and work as HNCTL_TOKEN would", async () => {
    const created = await portal.call("POST", "/v1/auth/tokens", {
      token: admin,
      body: { name: "nightly reports", features: ["reports.run"], expiresInDays: 30 },
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^hnt_/);
    const me = await portal.call("GET", "/v1/me", { token: created.body.token });
    expect(me.body.features).toEqual(["reports.run"]);
    expect(me.body.credential).toMatchObject({ kind: "api_token", name: "nightly reports" });
    const list = await portal.call("GET", "/v1/auth/tokens", { token: admin });
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect(list.body.tokens[0].lastUsedAt).not.toBeNull();
    // A token cannot mint tokens.
    expect(
      (await portal.call("POST", "/v1/auth/tokens", { token: created.body.token, body: { name: "child" } }))
        .status,
    ).toBe(403);
  });

  it("refuses a feature the creator lacks, a duplicate name, and stops working when expired or revoked", async () => {
    const gail = await onboard(admin, groupAdminBody, "gail");
    const beyond = await unchanged(() =>
      portal.call("POST", "/v1/auth/tokens", {
        token: gail.token,
        body: { name: "x", features: ["billing.pay"] },
      }),
    );
    expect(beyond.status).toBe(403);
    expect(beyond.body.error.message).toContain("billing.pay");
    const t = await portal.call("POST", "/v1/auth/tokens", {
      token: gail.token,
      body: { name: "short", expiresInDays: 1 },
    });
    expect(
      (await portal.call("POST", "/v1/auth/tokens", { token: gail.token, body: { name: "short" } })).status,
    ).toBe(409);
    portal.clock.offsetMs += 2 * 86_400_000;
    const expired = await portal.call("GET", "/v1/me", { token: t.body.token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("token_expired");
    admin = (
      await portal.call("POST", "/v1/auth/login", {
        body: { username: "acme-admin", password: TEST_PASSWORD },
      })
    ).body.accessToken;
    const t2 = await portal.call("POST", "/v1/auth/tokens", { token: admin, body: { name: "revoke-me" } });
    expect((await portal.call("DELETE", `/v1/auth/tokens/${t2.body.id}`, { token: admin })).status).toBe(200);
    expect((await portal.call("GET", "/v1/me", { token: t2.body.token })).status).toBe(401);
    expect((await portal.call("DELETE", `/v1/auth/tokens/${t2.body.id}`, { token: admin })).status).toBe(409);
  });
});

describe("audit log", () => {
  it("records who did what through which token, filterable by actor and action", async () => {
    const t = await portal.call("POST", "/v1/auth/tokens", {
      token: admin,
      body: { name: "ops", features: ["users.manage"] },
    });
    await portal.call("PATCH", "/v1/users/me/notifications", {
      token: t.body.token,
      body: { billAvailable: false },
    });
    const all = await portal.call("GET", "/v1/audit?actor=acme-admin", { token: admin });
    expect(all.status).toBe(200);
    const viaToken = all.body.events.find(
      (e: { action: string }) => e.action === "user.notifications_updated",
    );
    expect(viaToken.apiToken).toMatchObject({ name: "ops" });
    expect(viaToken.actor.username).toBe("acme-admin");
    const page = await portal.call("GET", "/v1/audit?limit=1", { token: admin });
    expect(page.body.events).toHaveLength(1);
    const next = await portal.call("GET", `/v1/audit?limit=1&cursor=${page.body.nextCursor}`, {
      token: admin,
    });
    expect(next.body.events[0].id).toBeLessThan(page.body.events[0].id);
    const reversed = await portal.call("GET", "/v1/audit?since=2026-12-01&until=2026-11-01", {
      token: admin,
    });
    expect(reversed.status).toBe(400);
  });
});
