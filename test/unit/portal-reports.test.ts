import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/portal/services/auth.js";
import { demoIds } from "../../src/portal/services/demo.js";
import { TEST_PASSWORD, testPortal, type TestPortal } from "../helpers/portal.js";
import { pinClock } from "../helpers/enrollment.js";
import { hashPassword } from "../../src/portal/services/passwords.js";
import { createPortal } from "../../src/portal/server.js";
import { CONTRACT_HASH } from "../../src/contract/route-index.js";

let portal: TestPortal | undefined;
afterEach(async () => {
  await portal?.dispose();
  portal = undefined;
});

/** The demo's primary administrator, signed in with an API token (it outlives clock jumps). */
async function setup() {
  portal = await testPortal();
  pinClock(portal);
  const { accessToken } = await portal.registerPrimary();
  const me = await portal.call("GET", "/v1/me", { token: accessToken });
  const api = await createApiToken(portal.ctx, me.body.user.id, {
    name: "reports-test",
    features: ["reports.run"],
    expiresAt: new Date(Date.now() + 86_400_000 * 400),
  });
  return { p: portal, token: api.token };
}

async function lastMail(p: TestPortal, subject: string) {
  return p.ctx.db
    .selectFrom("outbox")
    .selectAll()
    .where("subject", "like", `${subject}%`)
    .orderBy("sent_at", "desc")
    .executeTakeFirst();
}

async function request(p: TestPortal, token: string, body: Record<string, unknown>) {
  return p.call("POST", "/v1/reports", { token, body });
}

async function ready(p: TestPortal, token: string, id: string) {
  await p.reports.idle();
  const res = await p.call("GET", `/v1/reports/${id}`, { token });
  return res.body;
}

async function download(p: TestPortal, token: string, id: string) {
  return p.app.inject({
    method: "GET",
    url: `/v1/reports/${id}/file`,
    headers: { authorization: `Bearer ${token}` },
  });
}

/** A group administrator of G1000001 who may run reports. */
async function groupAdmin(p: TestPortal): Promise<string> {
  const id = "usr_reports_group_admin";
  await p.ctx.db
    .insertInto("users")
    .values({
      id,
      employer_id: demoIds.employer,
      role: "group-admin",
      username: "reports-ga",
      password_hash: await hashPassword(TEST_PASSWORD),
      name: "Group Admin",
      email: "ga@reports.example",
      phone: null,
      status: "active",
      locked_until: null,
      created_by: null,
      created_at: new Date().toISOString(),
      registered_at: new Date().toISOString(),
    })
    .execute();
  await p.ctx.db.insertInto("user_features").values({ user_id: id, feature: "reports.run" }).execute();
  await p.ctx.db
    .insertInto("user_scopes")
    .values({ user_id: id, group_id: demoIds.group("G1000001"), location_id: null })
    .execute();
  const login = await p.call("POST", "/v1/auth/login", {
    body: { username: "reports-ga", password: TEST_PASSWORD },
  });
  return login.body.accessToken;
}

describe("reports", () => {
  it("lists the catalogue with each type's period, filters and columns", async () => {
    const { p, token } = await setup();
    const res = await p.call("GET", "/v1/reports/types", { token });
    expect(res.status).toBe(200);
    expect(res.body.types.map((t: { type: string }) => t.type)).toEqual([
      "enrollment-roster",
      "dependents-roster",
      "membership-changes",
      "cobra-roster",
      "billing-history",
      "payment-history",
      "premium-by-group",
    ]);
    const roster = res.body.types[0];
    expect(roster.period).toBe("as-of");
    expect(roster.columns.map((c: { name: string }) => c.name)).toContain("monthly_premium");
  });

  it("runs an enrollment roster off the request path: queued, then ready with size, rows, checksum, expiry", async () => {
    const { p, token } = await setup();
    const res = await request(p, token, {
      type: "enrollment-roster",
      columns: ["employee_number", "group", "monthly_premium"],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.status).toBe("queued");
    expect(res.body.fileName).toBe(`enrollment-roster_2026-11-15_${res.body.id}.csv`);
    const r = await ready(p, token, res.body.id);
    expect(r.status).toBe("ready");
    expect(r.rowCount).toBe(25);
    expect(r.expiresAt.slice(0, 10)).toBe("2026-12-15");
    const file = await download(p, token, r.id);
    expect(file.statusCode).toBe(200);
    expect(file.headers["x-report-sha256"]).toBe(r.sha256);
    expect(Number(file.headers["content-length"])).toBe(r.sizeBytes);
    // Sent outside Fastify's reply.send (see send-file.ts): the headers its hooks would add are there too.
    expect(file.headers["content-type"]).toMatch(/^text\/csv/);
    expect(file.headers["x-contract-hash"]).toBe(CONTRACT_HASH);
    expect(file.headers["content-disposition"]).toBe(`attachment; filename="${r.fileName}"`);
    const lines = file.body.trim().split("\n");
    expect(lines[0]).toBe("employee_number,group,monthly_premium");
    expect(lines).toHaveLength(26);
    expect(lines[1]).toMatch(/^[^,]+,G100000[12],\d+\.\d\d$/);
    // Files are the portal's own: a 0700 folder next to the database, 0600 files.
    const dir = p.ctx.files.reportsDir;
    expect(dir).toBe(join(p.dir, "portal.db.reports"));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, `${r.id}.csv`)).mode & 0o777).toBe(0o600);
  });

  it("JSON and PDF formats", async () => {
    const { p, token } = await setup();
    const json = await request(p, token, { type: "dependents-roster", format: "json" });
    const pdf = await request(p, token, { type: "enrollment-roster", format: "pdf" });
    await p.reports.idle();
    const j = await download(p, token, json.body.id);
    const rows = JSON.parse(j.body);
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0])[0]).toBe("member_id");
    const f = await download(p, token, pdf.body.id);
    expect(f.headers["content-type"]).toBe("application/pdf");
    expect(f.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("a group administrator's roster holds only their groups", async () => {
    const { p, token } = await setup();
    const ga = await groupAdmin(p);
    const mine = await request(p, ga, { type: "enrollment-roster", columns: ["group"] });
    const all = await request(p, token, { type: "enrollment-roster", columns: ["group"] });
    await p.reports.idle();
    const groupsIn = async (t: string, id: string) =>
      new Set((await download(p, t, id)).body.trim().split("\n").slice(1));
    expect(await groupsIn(ga, mine.body.id)).toEqual(new Set(["G1000001"]));
    expect(await groupsIn(token, all.body.id)).toEqual(new Set(["G1000001", "G1000002"]));
    // Asking for a group outside the scope is the same as an unknown group.
    const outside = await request(p, ga, { type: "enrollment-roster", groups: ["G1000002"] });
    expect(outside.status).toBe(422);
    expect(outside.body.error.message).toMatch(/unknown group G1000002/);
  });

  it("filters by group, subgroup, location and status, with the columns in the order asked", async () => {
    const { p, token } = await setup();
    const res = await request(p, token, {
      type: "enrollment-roster",
      groups: ["G1000001"],
      subgroups: ["SAL"],
      locations: ["DET"],
      statuses: ["active"],
      columns: ["status", "location", "subgroup", "group"],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await p.reports.idle();
    const lines = (await download(p, token, res.body.id)).body.trim().split("\n");
    expect(lines[0]).toBe("status,location,subgroup,group");
    for (const l of lines.slice(1)) expect(l).toBe("active,DET,SAL,G1000001");
  });

  it("refuses bad input: unknown type or column, periods too old or reversed, unknown group", async () => {
    const { p, token } = await setup();
    const type = await request(p, token, { type: "salary-report" });
    expect(type.status).toBe(400);
    const column = await request(p, token, { type: "enrollment-roster", columns: ["member_id", "salary"] });
    expect(column.status).toBe(422);
    expect(column.body.error.message).toMatch(/unknown column "salary"/);
    const old = await request(p, token, { type: "membership-changes", from: "2024-11-14", to: "2024-12-31" });
    expect(old.status).toBe(422);
    expect(old.body.error.message).toBe("from is more than two years ago: reports cover 2024-11-15 onwards");
    const twoYears = await request(p, token, {
      type: "membership-changes",
      from: "2024-11-15",
      to: "2026-11-15",
    });
    expect(twoYears.status).toBe(202);
    const reversed = await request(p, token, {
      type: "membership-changes",
      from: "2026-10-31",
      to: "2026-10-01",
    });
    expect(reversed.status).toBe(422);
    expect(reversed.body.error.message).toMatch(/reversed/);
    const group = await request(p, token, { type: "enrollment-roster", groups: ["G9999999"] });
    expect(group.status).toBe(422);
    expect(group.body.error.message).toMatch(/unknown group G9999999/);
    const status = await request(p, token, { type: "enrollment-roster", statuses: ["sleeping"] });
    expect(status.status).toBe(422);
  });

  it("someone else's report is 404, and a report not ready yet is 409", async () => {
    const { p, token } = await setup();
    const ga = await groupAdmin(p);
    const res = await request(p, token, { type: "enrollment-roster" });
    const notYet = await download(p, token, res.body.id);
    expect(notYet.statusCode).toBe(409);
    await p.reports.idle();
    expect((await p.call("GET", `/v1/reports/${res.body.id}`, { token: ga })).status).toBe(404);
    expect((await download(p, ga, res.body.id)).statusCode).toBe(404);
    expect((await p.call("GET", "/v1/reports", { token: ga })).body.reports).toEqual([]);
  });

  it("expires after 30 days through the scheduler and the sandbox clock: file deleted, status expired, download 404", async () => {
    const { p, token } = await setup();
    const res = await request(p, token, { type: "enrollment-roster" });
    const r = await ready(p, token, res.body.id);
    const file = join(p.ctx.files.reportsDir, `${r.id}.csv`);
    expect(existsSync(file)).toBe(true);
    await p.call("POST", "/v1/sandbox/clock/advance", { token, body: { by: "29d" } });
    expect((await p.call("GET", `/v1/reports/${r.id}`, { token })).body.status).toBe("ready");
    await p.call("POST", "/v1/sandbox/clock/advance", { token, body: { by: "1d" } });
    expect((await p.call("GET", `/v1/reports/${r.id}`, { token })).body.status).toBe("expired");
    expect(existsSync(file)).toBe(false);
    const gone = await download(p, token, r.id);
    expect(gone.statusCode).toBe(404);
    expect(JSON.parse(gone.body).error.message).toMatch(/expired/);
  });

  it("e-mails the requester when asked", async () => {
    const { p, token } = await setup();
    const res = await request(p, token, { type: "cobra-roster", notify: true });
    await p.reports.idle();
    const mail = await lastMail(p, "Report ready");
    expect(mail?.subject).toBe("Report ready: COBRA roster (2026-11-15)");
    expect(mail?.body).toContain(`hnctl report download ${res.body.id}`);
  });

  it("a disk error fails the report cleanly: no partial file", async () => {
    const { p, token } = await setup();
    const res = await request(p, token, { type: "enrollment-roster" });
    // A directory where the temporary file goes makes the write fail.
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(p.ctx.files.reportsDir, `${res.body.id}.csv.tmp`));
    const r = await ready(p, token, res.body.id);
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/could not be written/);
    expect(
      readdirSync(p.ctx.files.reportsDir).filter((n) => n.startsWith(r.id) && !n.endsWith(".tmp")),
    ).toEqual([]);
  });

  it("a portal restart while a report runs: it is queued again and completes, never stuck", async () => {
    const { p, token } = await setup();
    const res = await request(p, token, { type: "enrollment-roster" });
    // Simulate a crash mid-run: the row says running and a temporary file is left behind.
    await p.reports.stop();
    await p.ctx.db
      .updateTable("reports")
      .set({ status: "running", attempts: 1 })
      .where("id", "=", res.body.id)
      .execute();
    writeFileSync(join(p.ctx.files.reportsDir, `${res.body.id}.csv.tmp`), "partial");
    await p.close();
    const again = await createPortal({
      dbFile: join(p.dir, "portal.db"),
      version: "test",
      demo: true,
      logger: false,
    });
    try {
      again.reports.kick();
      await again.reports.idle();
      const row = await again.ctx.db
        .selectFrom("reports")
        .selectAll()
        .where("id", "=", res.body.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe("ready");
      expect(row.row_count).toBe(25);
      expect(readdirSync(again.ctx.files.reportsDir).some((n) => n.endsWith(".tmp"))).toBe(false);
    } finally {
      await again.close();
    }
  });

  it("a run interrupted three times fails instead of looping", async () => {
    const { p, token } = await setup();
    const res = await request(p, token, { type: "enrollment-roster" });
    await p.reports.stop();
    await p.ctx.db
      .updateTable("reports")
      .set({ status: "running", attempts: 3 })
      .where("id", "=", res.body.id)
      .execute();
    await p.close();
    const again = await createPortal({
      dbFile: join(p.dir, "portal.db"),
      version: "test",
      demo: true,
      logger: false,
    });
    const row = await again.ctx.db
      .selectFrom("reports")
      .selectAll()
      .where("id", "=", res.body.id)
      .executeTakeFirstOrThrow();
    await again.close();
    expect(row.status).toBe("failed");
  });

  it("recurring reports: monthly on day N and weekly, relative periods, editable, run by the scheduler", async () => {
    const { p, token } = await setup();
    const monthly = await p.call("POST", "/v1/report-schedules", {
      token,
      body: {
        name: "monthly-changes",
        type: "membership-changes",
        frequency: "monthly",
        dayOfMonth: 1,
        period: "previous-month",
        notify: true,
      },
    });
    expect(monthly.status, JSON.stringify(monthly.body)).toBe(201);
    expect(monthly.body.nextRunDate).toBe("2026-12-01");
    const weekly = await p.call("POST", "/v1/report-schedules", {
      token,
      body: {
        name: "weekly-roster",
        type: "enrollment-roster",
        frequency: "weekly",
        weekday: "monday",
        period: "as-of-run-date",
      },
    });
    expect(weekly.body.nextRunDate).toBe("2026-11-16");
    const bad = await p.call("POST", "/v1/report-schedules", {
      token,
      body: { name: "bad", type: "enrollment-roster", frequency: "monthly", period: "previous-month" },
    });
    expect(bad.status).toBe(422);
    const dup = await p.call("POST", "/v1/report-schedules", {
      token,
      body: {
        name: "weekly-roster",
        type: "cobra-roster",
        frequency: "weekly",
        weekday: "friday",
        period: "as-of-run-date",
      },
    });
    expect(dup.status).toBe(409);
    // Editable by any criterion.
    const edited = await p.call("PATCH", "/v1/report-schedules/weekly-roster", {
      token,
      body: {
        weekday: "tuesday",
        groups: ["G1000001"],
        columns: ["employee_number", "group"],
        format: "json",
      },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({
      weekday: "tuesday",
      nextRunDate: "2026-11-17",
      groups: ["G1000001"],
      format: "json",
    });
    await p.call("POST", "/v1/sandbox/clock/advance", { token, body: { by: "17d" } }); // 2026-12-02
    await p.reports.idle();
    const runs = (await p.call("GET", "/v1/reports?schedule=monthly-changes", { token })).body.reports;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      period: "2026-11-01_2026-11-30",
      status: "ready",
      scheduleName: "monthly-changes",
    });
    const weeklyRuns = (await p.call("GET", "/v1/reports?schedule=weekly-roster", { token })).body.reports;
    expect(weeklyRuns).toHaveLength(1); // one run for the latest missed date, not one per missed week
    expect(weeklyRuns[0]).toMatchObject({ period: "2026-12-01", format: "json", status: "ready" });
    expect((await lastMail(p, "Report ready: Membership changes"))?.sent_at.slice(0, 10)).toBe("2026-12-02");
    const list = await p.call("GET", "/v1/report-schedules", { token });
    expect(list.body.schedules.map((s: { name: string }) => s.name)).toEqual([
      "monthly-changes",
      "weekly-roster",
    ]);
    expect((await p.call("DELETE", "/v1/report-schedules/weekly-roster", { token })).status).toBe(200);
    expect((await p.call("DELETE", "/v1/report-schedules/weekly-roster", { token })).status).toBe(404);
  });

  it("billing history, payment history and premium by group run", async () => {
    const { p, token } = await setup();
    const ids = [];
    for (const type of ["billing-history", "payment-history", "premium-by-group"])
      ids.push((await request(p, token, { type, from: "2026-01-01", to: "2026-12-31" })).body.id);
    await p.reports.idle();
    for (const id of ids)
      expect((await p.call("GET", `/v1/reports/${id}`, { token })).body.status).toBe("ready");
    const premium = (await download(p, token, ids[2])).body.trim().split("\n");
    expect(premium[0]).toBe("period,group,group_name,subgroup,subscribers,premium");
    expect(premium.length).toBeGreaterThan(1);
  });
});
