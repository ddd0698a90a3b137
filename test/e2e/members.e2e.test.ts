import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, PASSWORD, runCli, startPortalProcess, type PortalProcess } from "../helpers/cli.js";

let portal: PortalProcess;
let user: ReturnType<typeof cliEnv>;
const run = (args: string[], input?: string) => runCli(args, { env: user.env, input });
const json = async (args: string[], input?: string) => {
  const res = await run([...args, "--json"], input);
  expect(res.code, res.stderr + res.stdout).toBe(0);
  return JSON.parse(res.stdout);
};

// Dates relative to today, so the suite means the same whenever it runs.
const today = new Date();
const iso = (d: Date) => d.toISOString().slice(0, 10);
const firstOfMonth = (offset: number) =>
  iso(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + offset, 1)));
const endOfMonth = (offset: number) =>
  iso(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + offset + 1, 0)));

const enrollFlags = (employeeNumber: string, over: Record<string, string> = {}) =>
  Object.entries({
    group: "G1000001",
    subgroup: "SAL",
    location: "DET",
    plan: "PPO-1000",
    effective: firstOfMonth(1),
    "employee-number": employeeNumber,
    "hire-date": "2024-03-04",
    "first-name": "Ana",
    "last-name": "Reyes",
    dob: "1991-03-14",
    sex: "F",
    "marital-status": "single",
    address: "12 Elm Street, Detroit, MI 48201",
    ...over,
  }).flatMap(([k, v]) => [`--${k}`, v]);

beforeAll(async () => {
  portal = await startPortalProcess();
  user = cliEnv(portal.url);
  const reg = [
    "register",
    "--group-number",
    "G1000001",
    "--policyholder-id",
    "1234",
    "--key",
    portal.registrationKey!,
    "--username",
    "acme-admin",
    "--password-stdin",
  ];
  expect((await run(reg, PASSWORD)).code).toBe(0);
  expect((await run(["login", "-u", "acme-admin", "--password-stdin"], PASSWORD)).code).toBe(0);
});
afterAll(async () => {
  user?.cleanup();
  await portal?.stop();
});

describe("catalog", () => {
  it("lists plans with tier rates, providers, groups and locations", async () => {
    const plans = await json(["plan", "list", "--group", "G1000002"]);
    expect(plans.map((p: { code: string }) => p.code).sort()).toEqual(["HMO-500", "PPO-1000"]);
    const csv = await run(["plan", "list", "--csv"]);
    expect(csv.stdout.split("\n")[0]).toBe("code,name,type,EE,ES,EC,EF,groups");
    const providers = await json(["provider", "search", "--zip", "482", "--plan", "HMO-500", "--accepting"]);
    expect(providers.length).toBeGreaterThan(0);
    expect(
      providers.every(
        (p: { acceptingNewPatients: boolean; zip: string }) =>
          p.acceptingNewPatients && p.zip.startsWith("482"),
      ),
    ).toBe(true);
    const groups = await json(["group", "list"]);
    expect(groups[0].subgroups.map((s: { code: string }) => s.code).sort()).toEqual(["HRL", "SAL"]);
    const locations = await json(["location", "list"]);
    expect(locations.map((l: { code: string }) => l.code).sort()).toEqual(["DET", "GRR", "TOL"]);
  });
});

describe("the life of a member", () => {
  it("enroll → show → search → update → dependents → cancel → reinstate → COBRA → history", async () => {
    // Enroll from flags, the SSN on stdin.
    const enrolled = await json(
      ["member", "enroll", ...enrollFlags("E9001"), "--ssn-stdin"],
      "214-55-7001\n",
    );
    expect(enrolled).toMatchObject({ tier: "EE", monthlyPremiumCents: 68_000, status: "active" });
    const id: string = enrolled.id;
    expect(enrolled.subscriber.ssn).toBe("***-**-7001");

    const show = await run(["member", "show", id]);
    expect(show.stdout).toContain("Ana Reyes");
    expect(show.stdout).toContain("***-**-7001");
    expect(show.stdout).not.toContain("214-55-7001");
    const revealed = await run(["member", "show", id, "--reveal-ssn"]);
    expect(revealed.stdout).toContain("214-55-7001");

    // Search by exact SSN (stdin), by name prefix in any case, and as CSV.
    const bySsn = await json(["member", "search", "--ssn", "-"], "214557001");
    expect(bySsn.members.map((m: { id: string }) => m.id)).toEqual([id]);
    const byName = await json(["member", "search", "--name", "REY"]);
    expect(byName.members.map((m: { id: string }) => m.id)).toContain(id);
    const csv = await run(["member", "search", "--name", "reyes", "--csv"]);
    expect(csv.stdout.split("\n")[0]).toBe(
      "memberId,name,ssn,employeeNumber,status,group,subgroup,location,plan,tier,premium,dependents",
    );
    expect(csv.stdout).not.toContain("214-55-7001");
    const literal = await run(["member", "search", "--ssn", "214-55-7001"]);
    expect(literal.stderr).toMatch(/visible to other users/);

    // Pagination: page by page equals all at once.
    const all = await json(["member", "search", "--status", "active", "--all", "--limit", "7"]);
    const first = await json(["member", "search", "--status", "active", "--limit", "7"]);
    const second = await json([
      "member",
      "search",
      "--status",
      "active",
      "--limit",
      "7",
      "--cursor",
      first.nextCursor,
    ]);
    expect([...first.members, ...second.members].map((m: { id: string }) => m.id)).toEqual(
      all.members.slice(0, 14).map((m: { id: string }) => m.id),
    );
    expect(all.members.length).toBeGreaterThan(20);

    // Update demographics, then move to the HMO with a PCP, then change the PCP.
    const updated = await json([
      "member",
      "update",
      id,
      "--last-name",
      "Reyes-Long",
      "--marital-status",
      "married",
      "--phone",
      "313-555-0199",
    ]);
    expect(updated.subscriber).toMatchObject({
      lastName: "Reyes-Long",
      maritalStatus: "married",
      phone: "313-555-0199",
    });
    const hmo = await json([
      "member",
      "update",
      id,
      "--plan",
      "HMO-500",
      "--effective",
      firstOfMonth(2),
      "--pcp",
      "1003000126",
    ]);
    expect(hmo.plan.code).toBe("HMO-500");
    expect(hmo.subscriber.pcp.npi).toBe("1003000126");
    const pcp = await json(["member", "update", id, "--pcp", "1003000134"]);
    expect(pcp.subscriber.pcp.npi).toBe("1003000134");

    // Dependents: add a spouse (tier ES), update, remove.
    const withSpouse = await json(
      [
        "member",
        "dependent",
        "add",
        id,
        "--relationship",
        "spouse",
        "--first-name",
        "Jo",
        "--last-name",
        "Reyes-Long",
        "--dob",
        "1990-08-01",
        "--sex",
        "M",
        "--pcp",
        "1003000126",
        "--effective",
        firstOfMonth(2),
        "--ssn-stdin",
      ],
      "214-55-7002",
    );
    expect(withSpouse.tier).toBe("ES");
    const spouse = withSpouse.dependents[0];
    const renamed = await json(["member", "dependent", "update", id, spouse.id, "--first-name", "Joe"]);
    expect(renamed.dependents[0].firstName).toBe("Joe");
    const noYes = await run(["member", "dependent", "remove", id, spouse.id, "--date", endOfMonth(2)]);
    expect(noYes.code).toBe(2);
    const removed = await json([
      "member",
      "dependent",
      "remove",
      id,
      spouse.id,
      "--date",
      endOfMonth(2),
      "--reason",
      "divorce",
      "--yes",
    ]);
    expect(removed.dependents[0].status).toBe("removed");
    expect(removed.tier).toBe("EE");

    // Cancel: no --yes without a terminal fails and changes nothing; --dry-run previews; --yes cancels.
    const refused = await run([
      "member",
      "cancel",
      id,
      "--date",
      endOfMonth(2),
      "--reason",
      "termination-of-employment",
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/needs --yes/);
    expect(refused.stdout).toMatch(/Cancelling .* ends:/);
    expect((await json(["member", "show", id])).status).toBe("active");
    const dry = await json([
      "member",
      "cancel",
      id,
      "--date",
      endOfMonth(2),
      "--reason",
      "termination-of-employment",
      "--dry-run",
    ]);
    expect(dry.dryRun).toBe(true);
    expect(dry.preview.premium.changeMonthlyCents).toBeLessThan(0);
    expect((await json(["member", "show", id])).status).toBe("active");
    const cancelled = await json([
      "member",
      "cancel",
      id,
      "--date",
      endOfMonth(2),
      "--reason",
      "termination-of-employment",
      "--yes",
    ]);
    expect(cancelled.member.status).toBe("terminated");
    const again = await run([
      "member",
      "cancel",
      id,
      "--date",
      endOfMonth(2),
      "--reason",
      "voluntary",
      "--yes",
    ]);
    expect(again.code).toBe(6);

    // Reinstate restores the same coverage; cancel again and move to COBRA.
    const reinstated = await json(["member", "reinstate", id, "--yes"]);
    expect(reinstated.status).toBe("active");
    expect(reinstated.subscriber.pcp.npi).toBe("1003000134");
    await json([
      "member",
      "cancel",
      id,
      "--date",
      endOfMonth(2),
      "--reason",
      "termination-of-employment",
      "--yes",
    ]);
    const cobra = await json([
      "member",
      "cobra",
      id,
      "--event",
      "termination-of-employment",
      "--event-date",
      endOfMonth(2),
    ]);
    expect(cobra.cobra).toMatchObject({ months: 18, monthlyPremiumCents: Math.round(52_000 * 1.02) });
    expect(cobra.cobra.coverageStart).toBe(firstOfMonth(3));

    const history = await json(["member", "history", id]);
    expect(history.map((t: { type: string }) => t.type)).toEqual(
      expect.arrayContaining(["addition", "change", "termination", "reinstatement", "cobra"]),
    );
  });

  it("enrolls from a JSON file with dependents, and refuses unknown fields", async () => {
    const file = join(user.configDir, "member.json");
    const body = {
      groupNumber: "G1000002",
      location: "TOL",
      plan: "PPO-1000",
      effectiveDate: firstOfMonth(1),
      employeeNumber: "E9002",
      hireDate: "2022-01-10",
      subscriber: {
        firstName: "Ken",
        lastName: "Okada",
        ssn: "214-55-7010",
        dateOfBirth: "1980-01-01",
        sex: "M",
        address: { line1: "5 Pine Road", city: "Toledo", state: "OH", zip: "43604" },
      },
      dependents: [
        {
          relationship: "child",
          firstName: "Yui",
          lastName: "Okada",
          ssn: "214-55-7011",
          dateOfBirth: "2012-04-04",
          sex: "F",
        },
      ],
    };
    writeFileSync(file, JSON.stringify(body));
    const ok = await json(["member", "enroll", "--file", file]);
    expect(ok).toMatchObject({ tier: "EC", groupNumber: "G1000002" });
    writeFileSync(file, JSON.stringify({ ...body, employeeNumber: "E9003", salary: 1 }));
    const unknown = await run(["member", "enroll", "--file", file]);
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toMatch(/salary/);
    writeFileSync(file, "{ not json");
    const bad = await run(["member", "enroll", "--file", file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not valid JSON/);
  });
});

describe("bad input: a clear message naming the field, the documented exit code, nothing changed", () => {
  it.each([
    ["an invalid SSN", { "employee-number": "B1" }, "666-12-3456", 6, /ssn.*666/i],
    ["a DOB in the future", { "employee-number": "B2", dob: "2099-01-01" }, "214-55-7101", 6, /dateOfBirth/],
    [
      "a malformed date",
      { "employee-number": "B3", effective: "12/01/2026" },
      "214-55-7102",
      2,
      /--effective must be a date as YYYY-MM-DD/,
    ],
    [
      "an effective date not the first of a month",
      { "employee-number": "B4", effective: "2026-12-15" },
      "214-55-7103",
      6,
      /effectiveDate[\s\S]*check --effective/,
    ],
    ["an HMO without a PCP", { "employee-number": "B5", plan: "HMO-500" }, "214-55-7104", 6, /pcp/i],
    [
      "a plan not offered to the group",
      { "employee-number": "B6", group: "G1000002", plan: "EPO-750", subgroup: "" },
      "214-55-7105",
      6,
      /plan/,
    ],
  ])("refuses %s", async (_name, over, ssn, code, message) => {
    const flags = enrollFlags("X", over as Record<string, string>).filter(
      (v, i, arr) => !(arr[i - 1] === "--subgroup" && v === "") && !(v === "--subgroup" && arr[i + 1] === ""),
    );
    const before = await json(["member", "search", "--all"]);
    const res = await run(["member", "enroll", ...flags, "--ssn-stdin"], ssn);
    expect(res.code, res.stderr).toBe(code);
    expect(res.stderr).toMatch(message);
    expect(res.stderr + res.stdout).not.toMatch(/\d{3}-\d{2}-\d{4}/);
    expect((await json(["member", "search", "--all"])).members.length).toBe(before.members.length);
  });

  it("an unknown member is exit 3; a malformed member ID is exit 2", async () => {
    const unknown = await run(["member", "show", "mbr_000000000000000000000000"]);
    expect(unknown.code).toBe(3);
    const malformed = await run(["member", "show", "12345"]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/MEMBER_ID must be a member ID/);
  });

  it("a cancel more than 60 days back and a reinstate outside the window are refused", async () => {
    const enrolled = await json(
      ["member", "enroll", ...enrollFlags("B9", { effective: firstOfMonth(-1) }), "--ssn-stdin"],
      "214-55-7200",
    );
    const tooFarBack = await run([
      "member",
      "cancel",
      enrolled.id,
      "--date",
      endOfMonth(-4),
      "--reason",
      "voluntary",
      "--yes",
    ]);
    expect(tooFarBack.code).toBe(6);
    expect(tooFarBack.stderr).toMatch(/60 days/);
    expect((await json(["member", "show", enrolled.id])).status).toBe("active");

    // Outside the 60 days after termination, reinstatement is refused (the sandbox clock moves; this test is last).
    await json(["member", "cancel", enrolled.id, "--date", endOfMonth(0), "--reason", "voluntary", "--yes"]);
    expect((await run(["portal", "clock", "advance", "70d"])).code).toBe(0);
    expect((await run(["login", "-u", "acme-admin", "--password-stdin"], PASSWORD)).code).toBe(0);
    const late = await run(["member", "reinstate", enrolled.id, "--yes"]);
    expect(late.code).toBe(6);
    expect(late.stderr).toMatch(/terminationDate/);
    expect((await json(["member", "show", enrolled.id])).status).toBe("terminated");
  });
});
