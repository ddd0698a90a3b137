import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testPortal, type TestPortal } from "../helpers/portal.js";
import {
  adminToken,
  enrollBody,
  enrollmentSnapshot,
  paths,
  pinClock,
  scopedUser,
} from "../helpers/enrollment.js";
import { demoMemberId } from "../../src/portal/services/demo-members.js";

let portal: TestPortal;
let token: string;
beforeEach(async () => {
  portal = await testPortal();
  pinClock(portal);
  token = await adminToken(portal);
});
afterEach(async () => {
  await portal.dispose();
});

const call = (method: string, url: string, body?: unknown, as = token) =>
  portal.call(method, url, { body, token: as });
const enroll = (over: Record<string, unknown> = {}) => call("POST", "/v1/members", enrollBody(over));
const dependents = (...over: Record<string, unknown>[]) => {
  const base = enrollBody().dependents;
  return over.map((o, i) => ({ ...(base[i] ?? base[1]), ...o }));
};

describe("catalog", () => {
  it("lists plans with tier rates, providers, groups and locations", async () => {
    const plans = await call("GET", "/v1/plans?group=G1000002");
    expect(plans.status).toBe(200);
    expect(plans.body.plans.map((p: any) => p.code)).toEqual(["HMO-500", "PPO-1000"]);
    expect(plans.body.plans[0]).toMatchObject({
      requiresPcp: true,
      monthlyRatesCents: { EE: 52_000, EF: 150_800 },
    });
    const providers = await call("GET", "/v1/providers?plan=HMO-500&zip=436&accepting=true");
    expect(providers.body.providers.map((p: any) => p.npi)).toEqual(["1003000167", "1003000175"]);
    const groups = await call("GET", "/v1/groups");
    expect(groups.body.groups[0]).toMatchObject({
      groupNumber: "G1000001",
      subgroups: [{ code: "HRL" }, { code: "SAL" }],
    });
    const locations = await call("GET", "/v1/locations");
    expect(locations.body.locations.map((l: any) => l.code)).toEqual(["DET", "GRR", "TOL"]);
  });
});

describe("enroll", () => {
  it("enrolls a family: tier and premium follow from who is covered, SSNs masked, transaction and audit written", async () => {
    const res = await enroll();
    expect(res.status).toBe(201);
    const m = res.body;
    expect(m.id).toMatch(/^mbr_/);
    expect(m.subscriber.id).toMatch(/^per_/);
    expect(m).toMatchObject({
      status: "active",
      tier: "EF",
      monthlyPremiumCents: 197_200,
      version: 1,
      groupNumber: "G1000001",
    });
    expect(m.subscriber.ssn).toBe("***-**-6789");
    expect(JSON.stringify(m)).not.toContain("123456789");
    const dbDump = JSON.stringify(await portal.ctx.db.selectFrom("people").selectAll().execute());
    expect(dbDump).not.toContain("123456789");
    expect(dbDump).not.toContain("123-45-6789");
    const history = await call("GET", `/v1/members/${m.id}/history`);
    expect(history.body.transactions).toMatchObject([
      {
        type: "addition",
        maintenanceTypeCode: "021",
        maintenanceReasonCode: "28",
        actor: { name: "acme-admin" },
      },
    ]);
    const audit = await portal.ctx.db
      .selectFrom("audit_events")
      .selectAll()
      .where("object_id", "=", m.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["member.enroll"]);
    // IDs left out: their hex digits (the time first) may hold "6789" by chance.
    expect(JSON.stringify(audit).replace(/\b[a-z]+_[0-9a-f]{24}\b/g, "<id>")).not.toContain("6789");
  });

  it.each([
    ["EE", [], 68_000],
    ["ES", [{ relationship: "domestic-partner" }], 136_000],
    [
      "EC",
      [
        { relationship: "child", dateOfBirth: "2012-01-01" },
        { relationship: "stepchild", ssn: "456-78-9012" },
      ],
      122_400,
    ],
  ])("tier %s", async (tier, deps, premium) => {
    const res = await enroll({ dependents: dependents(...(deps as Record<string, unknown>[])) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ tier, monthlyPremiumCents: premium });
  });

  it("lets a newborn without an SSN in, and keeps a disabled adult child past 26", async () => {
    const res = await enroll({
      dependents: dependents({}, { ssn: undefined, dateOfBirth: "2026-10-02" }),
    });
    expect(res.status).toBe(201);
    expect(res.body.dependents[1].ssn).toBeNull();
    const adult = await enroll({
      employeeNumber: "T101",
      subscriber: { ...enrollBody().subscriber, ssn: "111-22-3333" },
      dependents: dependents(
        { ssn: "111-22-4444" },
        { ssn: "111-22-5555", dateOfBirth: "1990-01-01", disabled: true },
      ),
    });
    expect(adult.status).toBe(201);
  });

  const bad: [string, Record<string, unknown>, number, string, string][] = [
    [
      "an invalid SSN (area 666)",
      { subscriber: { ...enrollBody().subscriber, ssn: "666-12-3456" } },
      400,
      "validation_failed",
      "subscriber.ssn",
    ],
    [
      "an invalid SSN (group 00)",
      { dependents: dependents({ ssn: "123-00-4567" }) },
      400,
      "validation_failed",
      "dependents.0.ssn",
    ],
    [
      "an invalid SSN (serial 0000)",
      { dependents: dependents({ ssn: "123-45-0000" }) },
      400,
      "validation_failed",
      "dependents.0.ssn",
    ],
    [
      "an SSN with letters",
      { subscriber: { ...enrollBody().subscriber, ssn: "12a-45-6789" } },
      400,
      "validation_failed",
      "subscriber.ssn",
    ],
    [
      "a missing SSN for an adult",
      { dependents: dependents({ ssn: undefined }) },
      422,
      "unprocessable",
      "dependents.0.ssn",
    ],
    [
      "a date of birth in the future",
      { dependents: dependents({}, { dateOfBirth: "2027-01-01" }) },
      422,
      "unprocessable",
      "dependents.1.dateOfBirth",
    ],
    [
      "a child over 26 who is not disabled",
      { dependents: dependents({}, { dateOfBirth: "1999-06-01" }) },
      422,
      "unprocessable",
      "dependents.1.dateOfBirth",
    ],
    [
      "a second spouse",
      { dependents: dependents({}, {}, { relationship: "domestic-partner", ssn: "456-78-9012" }) },
      422,
      "unprocessable",
      "dependents.2.relationship",
    ],
    [
      "an effective date not on the first of a month",
      { effectiveDate: "2026-12-15" },
      422,
      "unprocessable",
      "effectiveDate",
    ],
    [
      "an effective date more than 60 days back",
      { effectiveDate: "2026-09-01" },
      422,
      "unprocessable",
      "effectiveDate",
    ],
    ["an HMO without a PCP", { plan: "HMO-500", dependents: [] }, 422, "unprocessable", "subscriber.pcp"],
    [
      "a PCP not accepting new patients",
      { plan: "HMO-500", dependents: [], subscriber: { ...enrollBody().subscriber, pcp: "1003000159" } },
      422,
      "unprocessable",
      "subscriber.pcp",
    ],
    [
      "a PCP that does not exist",
      { plan: "HMO-500", dependents: [], subscriber: { ...enrollBody().subscriber, pcp: "1999999999" } },
      422,
      "unprocessable",
      "subscriber.pcp",
    ],
    [
      "a PCP on a plan without PCPs",
      { subscriber: { ...enrollBody().subscriber, pcp: "1003000126" } },
      422,
      "unprocessable",
      "subscriber.pcp",
    ],
    [
      "a plan not offered to the group",
      { groupNumber: "G1000002", subgroup: undefined, plan: "EPO-750" },
      422,
      "unprocessable",
      "plan",
    ],
    ["an unknown plan", { plan: "NOPE-1" }, 422, "unprocessable", "plan"],
    ["a subgroup of another group", { groupNumber: "G1000002" }, 422, "unprocessable", "subgroup"],
    ["coverage before the hire date", { hireDate: "2026-12-10" }, 422, "unprocessable", "effectiveDate"],
    ["an unknown field", { color: "blue" }, 400, "validation_failed", ""],
    [
      "an unknown nested field",
      { subscriber: { ...enrollBody().subscriber, nickname: "P" } },
      400,
      "validation_failed",
      "subscriber",
    ],
    ["a malformed group number", { groupNumber: "1000001" }, 400, "validation_failed", "groupNumber"],
  ];
  it.each(bad)(
    "refuses %s, names the field and changes nothing",
    async (_name, over, status, code, field) => {
      const before = await enrollmentSnapshot(portal);
      const res = await enroll(over);
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      if (field) expect(paths(res.body)).toContain(field);
      else expect(res.body.error.message).toMatch(/color|unrecognized/i);
      expect(await enrollmentSnapshot(portal)).toBe(before);
    },
  );

  it("accepts an HMO with a PCP in the network for each person", async () => {
    const res = await enroll({
      plan: "HMO-500",
      subscriber: { ...enrollBody().subscriber, pcp: "1003000126" },
      dependents: dependents({ pcp: "prv_" + "x".repeat(3) }, { pcp: "1003000142" }),
    });
    expect(res.status).toBe(422);
    expect(paths(res.body)).toEqual(["dependents.0.pcp"]);
    const ok = await enroll({
      plan: "HMO-500",
      subscriber: { ...enrollBody().subscriber, pcp: "1003000126" },
      dependents: dependents({ pcp: "1003000134" }, { pcp: "1003000142" }),
    });
    expect(ok.status).toBe(201);
    expect(ok.body.dependents[1].pcp).toMatchObject({ npi: "1003000142", name: "Aisha Okafor" });
  });

  it("refuses a duplicate SSN within the employer with 409 naming the member (masked), and a duplicate employee number", async () => {
    const first = await enroll();
    const before = await enrollmentSnapshot(portal);
    const dup = await enroll({
      employeeNumber: "T200",
      subscriber: { ...enrollBody().subscriber, ssn: "999-99-9999".replace(/9/g, "1") },
      dependents: dependents({ ssn: "234567890" }),
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("duplicate_ssn");
    expect(dup.body.error.message).toContain(first.body.id);
    expect(dup.body.error.message).toContain("***-**-7890");
    // Only the last four digits: none of the first five (the member ID may hold "234" by chance: its
    // first digits are the time).
    expect(dup.body.error.message.replace(first.body.id, "")).not.toContain("234");
    expect(paths(dup.body)).toEqual(["dependents.0.ssn"]);
    const demoSsnOwner = demoMemberId("000001234", "E1001");
    const number = await enroll({
      employeeNumber: "E1001",
      subscriber: { ...enrollBody().subscriber, ssn: "222-33-4444" },
      dependents: [],
    });
    expect(number.status).toBe(409);
    expect(number.body.error.code).toBe("duplicate_employee_number");
    expect(number.body.error.message).toContain(demoSsnOwner);
    expect(await enrollmentSnapshot(portal)).toBe(before);
  });

  it("needs enrollment.edit (403) and a token (401)", async () => {
    const viewer = await scopedUser(portal, { features: ["enrollment.view"], groups: ["G1000001"] });
    expect((await call("POST", "/v1/members", enrollBody(), viewer)).status).toBe(403);
    expect((await portal.call("POST", "/v1/members", { body: enrollBody() })).status).toBe(401);
  });
});

describe("read: get, search, reveal", () => {
  it("shows a demo member and answers 404 for an unknown member ID", async () => {
    const id = demoMemberId("000001234", "E1001");
    const res = await call("GET", `/v1/members/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "active",
      plan: { code: "HMO-500" },
      tier: "EF",
      monthlyPremiumCents: 150_800,
    });
    expect(res.body.dependents).toHaveLength(3);
    expect(res.body.subscriber.pcp.npi).toBe("1003000126");
    const missing = await call("GET", "/v1/members/mbr_doesnotexist");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
    const malformed = await call("GET", "/v1/members/nope");
    expect(malformed.status).toBe(400);
    expect(paths(malformed.body)).toContain("memberId");
  });

  it("searches by SSN, member ID, name prefix (any case, dependents too), status, group, subgroup, location, with cursor paging", async () => {
    const created = (await enroll()).body;
    const search = (body: Record<string, unknown>) => call("POST", "/v1/members/search", body);
    expect((await search({ ssn: "234567890" })).body.members.map((m: any) => m.id)).toEqual([created.id]);
    expect((await search({ memberId: created.id })).body.members).toHaveLength(1);
    const byName = await search({ name: "TESt" });
    expect(byName.body.members.map((m: any) => m.id)).toEqual([created.id]);
    expect(byName.body.members[0]).toMatchObject({
      tier: "EF",
      coveredDependents: 2,
      subscriber: { ssn: "***-**-6789" },
    });
    expect((await search({ name: "tester, s" })).body.members).toHaveLength(1); // the spouse
    expect((await search({ name: "tester, x" })).body.members).toHaveLength(0);
    expect((await search({ name: "o'b" })).body.members[0].subscriber.lastName).toBe("O'Brien");
    expect((await search({ groupNumber: "G1000002" })).body.members).toHaveLength(8);
    expect(
      (await search({ groupNumber: "G1000001", subgroup: "HRL", location: "TOL" })).body.members.length,
    ).toBe(3);
    expect((await search({ status: "terminated" })).body.members).toHaveLength(0);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search({ limit: 7, ...(cursor ? { cursor } : {}) });
      expect(page.body.members.length).toBeLessThanOrEqual(7);
      seen.push(...page.body.members.map((m: any) => `${m.subscriber.lastName}|${m.id}`));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(26);
    expect(new Set(seen).size).toBe(26);
    expect(seen[0]!.startsWith("Abbott")).toBe(true);
    const badCursor = await search({ cursor: "garbage" });
    expect(badCursor.status).toBe(400);
    expect(paths(badCursor.body)).toEqual(["cursor"]);
    const badSsn = await search({ ssn: "000-12-3456" });
    expect(badSsn.status).toBe(400);
    expect(paths(badSsn.body)).toEqual(["ssn"]);
  });

  it("reveals SSNs only with enrollment.edit and audits each reveal", async () => {
    const created = (await enroll()).body;
    const res = await call("POST", `/v1/members/${created.id}/ssn/reveal`);
    expect(res.status).toBe(200);
    expect(res.body.people.map((p: any) => p.ssn)).toEqual(["123-45-6789", "234-56-7890", "345-67-8901"]);
    const events = await portal.ctx.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "member.ssn.reveal")
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.object_id).toBe(created.id);
    expect(events[0]!.details).not.toMatch(/\d{4}-|6789/);
    const viewer = await scopedUser(portal, { features: ["enrollment.view"], groups: ["G1000001"] });
    expect((await call("POST", `/v1/members/${created.id}/ssn/reveal`, undefined, viewer)).status).toBe(403);
  });
});

describe("scope: out of scope is 404", () => {
  it("hides members of other groups and locations from a group administrator and a delegate", async () => {
    const inG2 = demoMemberId("000001234", "E1006"); // G1000002 at DET
    const inG1 = demoMemberId("000001234", "E1001"); // G1000001 at DET
    const admin = await scopedUser(portal, {
      features: ["enrollment.view", "enrollment.edit", "enrollment.cancel"],
      groups: ["G1000001"],
    });
    for (const [method, url, body] of [
      ["GET", `/v1/members/${inG2}`, undefined],
      ["GET", `/v1/members/${inG2}/history`, undefined],
      ["PATCH", `/v1/members/${inG2}`, { version: 1, phone: "313-555-0199" }],
      ["POST", `/v1/members/${inG2}/cancel/preview`, { terminationDate: "2026-11-30", reason: "voluntary" }],
      ["POST", `/v1/members/${inG2}/cancel`, { terminationDate: "2026-11-30", reason: "voluntary" }],
      ["POST", `/v1/members/${inG2}/ssn/reveal`, undefined],
      ["POST", `/v1/members/${inG2}/cobra`, { event: "divorce", eventDate: "2026-11-01" }],
    ] as const) {
      const res = await call(method, url, body, admin);
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body.error.message).not.toContain("scope");
    }
    expect((await call("GET", `/v1/members/${inG1}`, undefined, admin)).status).toBe(200);
    const found = await call("POST", "/v1/members/search", {}, admin);
    expect(found.body.members.every((m: any) => m.groupNumber === "G1000001")).toBe(true);
    expect((await call("POST", "/v1/members/search", { memberId: inG2 }, admin)).body.members).toEqual([]);
    const refused = await call(
      "POST",
      "/v1/members",
      enrollBody({ groupNumber: "G1000002", subgroup: undefined }),
      admin,
    );
    expect(refused.status).toBe(404);
    expect(
      (await call("GET", "/v1/groups", undefined, admin)).body.groups.map((g: any) => g.groupNumber),
    ).toEqual(["G1000001"]);

    const delegate = await scopedUser(portal, {
      role: "delegate",
      features: ["enrollment.view"],
      locations: ["TOL"],
    });
    expect((await call("GET", `/v1/members/${inG1}`, undefined, delegate)).status).toBe(404);
    const atToledo = await call("POST", "/v1/members/search", { limit: 200 }, delegate);
    expect(atToledo.body.members.length).toBeGreaterThan(0);
    expect(atToledo.body.members.every((m: any) => m.location === "TOL")).toBe(true);
  });
});

describe("update", () => {
  it("updates demographics with the version and refuses a stale version with 409", async () => {
    const m = (await enroll()).body;
    const ok = await call("PATCH", `/v1/members/${m.id}`, {
      version: 1,
      lastName: "Renamed",
      phone: "313-555-0100",
      address: { ...enrollBody().subscriber.address, line1: "2 New Road" },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      version: 2,
      subscriber: { lastName: "Renamed", phone: "313-555-0100", address: { line1: "2 New Road" } },
    });
    expect((await call("POST", "/v1/members/search", { name: "renamed" })).body.members).toHaveLength(1);
    const before = await enrollmentSnapshot(portal);
    const stale = await call("PATCH", `/v1/members/${m.id}`, { version: 1, firstName: "Lost" });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("version_conflict");
    expect(paths(stale.body)).toEqual(["version"]);
    expect(await enrollmentSnapshot(portal)).toBe(before);
    const noVersion = await call("PATCH", `/v1/members/${m.id}`, { firstName: "Lost" });
    expect(noVersion.status).toBe(400);
    expect(paths(noVersion.body)).toContain("version");
  });

  it("changes the plan from the first of a month; the HMO needs PCPs; premium follows", async () => {
    const m = (await enroll()).body;
    const url = `/v1/members/${m.id}/plan`;
    const noPcp = await call("POST", url, { plan: "HMO-500", effectiveDate: "2027-01-01" });
    expect(noPcp.status).toBe(422);
    expect(paths(noPcp.body)).toEqual(["pcps", "pcps", "pcps"]);
    const notFirst = await call("POST", url, { plan: "EPO-750", effectiveDate: "2027-01-02" });
    expect(paths(notFirst.body)).toEqual(["effectiveDate"]);
    const pcps = [m.subscriber, ...m.dependents].map((p: any, i: number) => ({
      personId: p.id,
      provider: i === 2 ? "1003000142" : "1003000126",
    }));
    const ok = await call("POST", url, { plan: "HMO-500", effectiveDate: "2027-01-01", pcps, version: 1 });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      plan: { code: "HMO-500", effectiveDate: "2027-01-01" },
      tier: "EF",
      monthlyPremiumCents: 150_800,
    });
    const history = (await call("GET", `/v1/members/${m.id}/history`)).body.transactions;
    expect(history[1]).toMatchObject({
      type: "change",
      maintenanceTypeCode: "001",
      maintenanceReasonCode: "22",
    });
    // PCP change for one person: not accepting new patients is refused, an accepting one is taken.
    const pcpUrl = `/v1/members/${m.id}/pcp`;
    const closed = await call("POST", pcpUrl, { personId: m.dependents[0].id, provider: "1003000159" });
    expect(closed.status).toBe(422);
    expect(paths(closed.body)).toEqual(["provider"]);
    const changed = await call("POST", pcpUrl, { personId: m.dependents[0].id, provider: "1003000134" });
    expect(changed.body.dependents[0].pcp.npi).toBe("1003000134");
    expect(changed.body.subscriber.pcp.npi).toBe("1003000126");
  });

  it("adds, updates and removes dependents; the tier follows", async () => {
    const m = (await enroll({ dependents: [], effectiveDate: "2026-11-01" })).body;
    expect(m.tier).toBe("EE");
    const add = await call("POST", `/v1/members/${m.id}/dependents`, {
      effectiveDate: "2026-12-01",
      dependent: {
        relationship: "spouse",
        firstName: "Sam",
        lastName: "Tester",
        ssn: "234-56-7890",
        dateOfBirth: "1981-01-01",
        sex: "M",
      },
    });
    expect(add.status).toBe(201);
    expect(add.body).toMatchObject({ tier: "ES", monthlyPremiumCents: 136_000 });
    const spouse = add.body.dependents[0];
    const second = await call("POST", `/v1/members/${m.id}/dependents`, {
      effectiveDate: "2026-12-01",
      dependent: {
        relationship: "domestic-partner",
        firstName: "Alex",
        lastName: "Tester",
        ssn: "234-56-7891",
        dateOfBirth: "1981-01-01",
        sex: "M",
      },
    });
    expect(second.status).toBe(422);
    expect(paths(second.body)).toEqual(["dependent.relationship"]);
    const newborn = await call("POST", `/v1/members/${m.id}/dependents`, {
      effectiveDate: "2026-11-03",
      dependent: {
        relationship: "child",
        firstName: "Baby",
        lastName: "Tester",
        dateOfBirth: "2026-11-03",
        sex: "F",
      },
    });
    expect(newborn.status).toBe(201);
    expect(newborn.body.tier).toBe("EF");
    const baby = newborn.body.dependents[1];
    const ssn = await call("PATCH", `/v1/members/${m.id}/dependents/${baby.id}`, {
      version: newborn.body.version,
      ssn: "456-78-9012",
    });
    expect(ssn.body.dependents[1].ssn).toBe("***-**-9012");
    const notEnd = await call("POST", `/v1/members/${m.id}/dependents/${spouse.id}/remove`, {
      coverageEndDate: "2026-12-15",
    });
    expect(paths(notEnd.body)).toEqual(["coverageEndDate"]);
    const removed = await call("POST", `/v1/members/${m.id}/dependents/${spouse.id}/remove`, {
      coverageEndDate: "2026-12-31",
      reason: "divorce",
    });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ tier: "EC", monthlyPremiumCents: 122_400 });
    expect(removed.body.dependents[0]).toMatchObject({ status: "removed", coverageEnd: "2026-12-31" });
  });
});

describe("cancel, reinstate", () => {
  it("previews everything that ends without changing anything, then cancels", async () => {
    const m = (await enroll()).body;
    const before = await enrollmentSnapshot(portal);
    const preview = await call("POST", `/v1/members/${m.id}/cancel/preview`, {
      terminationDate: "2026-11-30",
      reason: "termination-of-employment",
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      version: 1,
      plan: { code: "PPO-1000" },
      premium: {
        currentTier: "EF",
        currentMonthlyCents: 197_200,
        newMonthlyCents: 0,
        changeMonthlyCents: -197_200,
        lastMonthBilled: "2026-11",
      },
      reinstateUntil: "2027-01-29",
    });
    expect(preview.body.people.map((p: any) => p.relationship)).toEqual(["subscriber", "spouse", "child"]);
    expect(await enrollmentSnapshot(portal)).toBe(before);
    const done = await call("POST", `/v1/members/${m.id}/cancel`, {
      terminationDate: "2026-11-30",
      reason: "termination-of-employment",
      version: 1,
    });
    expect(done.status).toBe(200);
    expect(done.body.member).toMatchObject({
      status: "terminated",
      tier: null,
      monthlyPremiumCents: 0,
      terminationDate: "2026-11-30",
    });
    expect(
      [done.body.member.subscriber, ...done.body.member.dependents].every(
        (p: any) => p.status === "terminated" && p.coverageEnd === "2026-11-30",
      ),
    ).toBe(true);
    const again = await call("POST", `/v1/members/${m.id}/cancel`, {
      terminationDate: "2026-11-30",
      reason: "voluntary",
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("member_not_active");
    const history = (await call("GET", `/v1/members/${m.id}/history`)).body.transactions;
    expect(history[1]).toMatchObject({
      type: "termination",
      maintenanceTypeCode: "024",
      maintenanceReasonCode: "08",
    });
  });

  it.each([
    ["not the end of a month", "2026-11-15", "terminationDate"],
    ["more than 60 days back", "2026-08-31", "terminationDate"],
  ])("refuses a termination date %s and changes nothing", async (_name, terminationDate, field) => {
    const id = demoMemberId("000001234", "E1002");
    const before = await enrollmentSnapshot(portal);
    for (const url of [`/v1/members/${id}/cancel/preview`, `/v1/members/${id}/cancel`]) {
      const res = await call("POST", url, { terminationDate, reason: "voluntary" });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("unprocessable");
      expect(paths(res.body)).toEqual([field]);
    }
    expect(await enrollmentSnapshot(portal)).toBe(before);
  });

  it("needs enrollment.cancel for preview, cancel and reinstate", async () => {
    const editor = await scopedUser(portal, {
      features: ["enrollment.view", "enrollment.edit"],
      groups: ["G1000001"],
    });
    const id = demoMemberId("000001234", "E1002");
    for (const url of [
      `/v1/members/${id}/cancel/preview`,
      `/v1/members/${id}/cancel`,
      `/v1/members/${id}/reinstate`,
    ])
      expect(
        (await call("POST", url, { terminationDate: "2026-11-30", reason: "voluntary" }, editor)).status,
      ).toBe(403);
  });

  it("reinstates within 60 days with the same people, plan and PCPs and no gap; refuses after", async () => {
    const id = demoMemberId("000001234", "E1001"); // HMO family of four with PCPs
    const original = (await call("GET", `/v1/members/${id}`)).body;
    await call("POST", `/v1/members/${id}/cancel`, { terminationDate: "2026-11-30", reason: "voluntary" });
    portal.clock.offsetMs += 40 * 86_400_000;
    const back = await call("POST", `/v1/members/${id}/reinstate`, {});
    expect(back.status).toBe(200);
    const strip = (m: any) => ({ ...m, version: 0, updatedAt: "" });
    expect(strip(back.body)).toEqual(strip(original));
    const history = (await call("GET", `/v1/members/${id}/history`)).body.transactions;
    expect(history.at(-1)).toMatchObject({
      type: "reinstatement",
      maintenanceTypeCode: "025",
      effectiveDate: "2026-12-01",
    });

    const other = demoMemberId("000001234", "E1002");
    await call("POST", `/v1/members/${other}/cancel`, { terminationDate: "2026-11-30", reason: "voluntary" });
    portal.clock.offsetMs += 50 * 86_400_000; // 2027-02-03: past 2027-01-29 (60 days after 2026-11-30)
    const before = await enrollmentSnapshot(portal);
    const late = await call("POST", `/v1/members/${other}/reinstate`, {});
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe("unprocessable");
    expect(paths(late.body)).toEqual(["terminationDate"]);
    expect(late.body.error.message).toContain("2027-01-29");
    expect(await enrollmentSnapshot(portal)).toBe(before);
  });
});

describe("COBRA", () => {
  it("refuses COBRA for an active employee without a termination, and changes nothing", async () => {
    const id = demoMemberId("000001234", "E1002");
    const before = await enrollmentSnapshot(portal);
    const res = await call("POST", `/v1/members/${id}/cobra`, {
      event: "termination-of-employment",
      eventDate: "2026-11-10",
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("unprocessable");
    expect(paths(res.body)).toEqual(["event"]);
    expect(res.body.error.message).toContain("cancel");
    expect(await enrollmentSnapshot(portal)).toBe(before);
  });

  it("continues the family for 18 months at 102% after a termination of employment, then extends for disability", async () => {
    const m = (await enroll()).body;
    await call("POST", `/v1/members/${m.id}/cancel`, {
      terminationDate: "2026-11-30",
      reason: "termination-of-employment",
    });
    const res = await call("POST", `/v1/members/${m.id}/cobra`, {
      event: "termination-of-employment",
      eventDate: "2026-11-20",
    });
    expect(res.status).toBe(200);
    expect(res.body.cobra).toMatchObject({
      tier: "EF",
      coverageStart: "2026-12-01",
      coverageEnd: "2028-05-31",
      months: 18,
      electionDeadline: "2027-01-30",
      monthlyPremiumCents: 201_144, // 197_200 × 1.02
      extendedMonthlyPremiumCents: null,
    });
    expect(res.body.cobra.personIds).toHaveLength(3);
    expect(res.body.member.status).toBe("cobra");
    const reinstate = await call("POST", `/v1/members/${m.id}/reinstate`, {});
    expect(reinstate.status).toBe(409);
    const ext = await call("POST", `/v1/members/${m.id}/cobra`, {
      event: "disability-extension",
      eventDate: "2027-02-01",
    });
    expect(ext.status).toBe(200);
    expect(ext.body.cobra).toMatchObject({
      id: res.body.cobra.id,
      months: 29,
      coverageEnd: "2029-04-30",
      extendedFrom: "2028-06-01",
      extendedMonthlyPremiumCents: 295_800, // 197_200 × 1.5
    });
    const history = (await call("GET", `/v1/members/${m.id}/history`)).body.transactions;
    expect(history.map((t: any) => t.type)).toEqual(["addition", "termination", "cobra", "cobra"]);
    expect(history[2]).toMatchObject({ maintenanceTypeCode: "001", maintenanceReasonCode: "09" });
  });

  it("moves a divorced spouse to 36 months of COBRA while the employee stays covered", async () => {
    const m = (await enroll({ effectiveDate: "2026-10-01" })).body;
    const res = await call("POST", `/v1/members/${m.id}/cobra`, {
      event: "divorce",
      eventDate: "2026-11-10",
    });
    expect(res.status).toBe(200);
    expect(res.body.cobra).toMatchObject({
      tier: "EE",
      coverageStart: "2026-12-01",
      coverageEnd: "2029-11-30",
      months: 36,
      monthlyPremiumCents: 69_360,
    });
    expect(res.body.member).toMatchObject({ status: "active", tier: "EC", monthlyPremiumCents: 122_400 });
    expect(res.body.member.dependents[0]).toMatchObject({ status: "cobra", coverageEnd: "2026-11-30" });
    const child = await call("POST", `/v1/members/${m.id}/cobra`, {
      event: "dependent-ineligible",
      eventDate: "2026-11-10",
    });
    expect(child.status).toBe(422);
    expect(paths(child.body)).toEqual(["personId"]);
  });

  it("gives dependents 36 months after the employee's death", async () => {
    const m = (await enroll()).body;
    await call("POST", `/v1/members/${m.id}/cancel`, { terminationDate: "2026-11-30", reason: "death" });
    const res = await call("POST", `/v1/members/${m.id}/cobra`, { event: "death", eventDate: "2026-11-12" });
    expect(res.status).toBe(200);
    expect(res.body.cobra).toMatchObject({
      tier: "EC",
      months: 36,
      coverageEnd: "2029-11-30",
      monthlyPremiumCents: 124_848,
    });
    expect(res.body.cobra.personIds).toEqual(m.dependents.map((d: any) => d.id));
    expect(res.body.member.subscriber.status).toBe("terminated");
  });
});

describe("SSNs never reach the log; the contract is in the OpenAPI document", () => {
  it("logs no SSN from enroll, search, reveal or a refused SSN", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await testPortal({ logger: { level: "trace", stream } });
    try {
      pinClock(logged);
      const admin = await adminToken(logged);
      const created = await logged.call("POST", "/v1/members", { body: enrollBody(), token: admin });
      expect(created.status).toBe(201);
      await logged.call("POST", "/v1/members/search", { body: { ssn: "123-45-6789" }, token: admin });
      await logged.call("POST", `/v1/members/${created.body.id}/ssn/reveal`, { token: admin });
      const refused = await logged.call("POST", "/v1/members", {
        body: enrollBody({ subscriber: { ...enrollBody().subscriber, ssn: "666-43-2109" } }),
        token: admin,
      });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).not.toMatch(/2109|666-?43/);
      // Timestamps and timings are numbers that may contain any four digits: leave them out of the scan.
      const log = lines
        .map((line) =>
          JSON.stringify({ ...JSON.parse(line), time: undefined, responseTime: undefined, pid: undefined }),
        )
        .join("\n");
      expect(log).toContain("/v1/members");
      for (const digits of ["6789", "7890", "8901", "2109", "123456789", "123-45"])
        expect(log).not.toContain(digits);
    } finally {
      await logged.dispose();
    }
  });

  it("documents the member routes in /openapi.json and accepts reinstate without a body", async () => {
    const doc = await portal.call("GET", "/openapi.json");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/members/search",
        "/v1/members/{memberId}/cancel/preview",
        "/v1/members/{memberId}/cobra",
      ]),
    );
    const res = await portal.app.inject({
      method: "POST",
      url: "/v1/members/mbr_missing/reinstate",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(404);
  });
});
