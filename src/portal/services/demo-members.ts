import type { SubscriberInput } from "../../contract/members.js";
import type { Tx } from "../db/index.js";
import { seedId } from "../ids.js";
import type { PiiVault } from "../pii.js";
import { nameKey } from "./coverage.js";
import { newPersonRow, settleMember } from "./member-rules.js";

/**
 * The demo employer's 25 enrolled employees (CLI.md). Fixed names, SSNs, dates and IDs so docs and tests
 * can rely on them; effective dates are fixed too (enrolled in the past, before the 60-day window
 * mattered). Every person obeys the enrollment rules: valid SSNs, children under 26 or disabled, one
 * spouse at most, a PCP in the HMO's network (accepting new patients) for each HMO member.
 */

type Dep = [relationship: string, first: string, sex: "F" | "M", dob: string, disabled?: boolean];
interface DemoEmployee {
  first: string;
  last: string;
  sex: "F" | "M";
  dob: string;
  marital: string;
  group: string;
  subgroup?: string;
  location: "DET" | "TOL" | "GRR";
  plan: string;
  effective: string;
  deps: Dep[];
}

const e = (
  first: string,
  last: string,
  sex: "F" | "M",
  dob: string,
  marital: string,
  group: string,
  subgroup: string | undefined,
  location: "DET" | "TOL" | "GRR",
  plan: string,
  effective: string,
  deps: Dep[] = [],
): DemoEmployee => ({ first, last, sex, dob, marital, group, subgroup, location, plan, effective, deps });

const G1 = "G1000001";
const G2 = "G1000002";
export const DEMO_EMPLOYEES: DemoEmployee[] = [
  e("Olivia", "Bennett", "F", "1985-04-12", "married", G1, "SAL", "DET", "HMO-500", "2026-01-01", [
    ["spouse", "Mark", "M", "1984-09-03"],
    ["child", "Emma", "F", "2014-06-21"],
    ["child", "Noah", "M", "2017-02-11"],
  ]),
  e("Liam", "Carter", "M", "1990-11-30", "single", G1, "SAL", "DET", "PPO-1000", "2026-01-01"),
  e("Ava", "Delgado", "F", "1978-02-05", "married", G1, "HRL", "TOL", "PPO-1000", "2025-07-01", [
    ["spouse", "Luis", "M", "1976-12-19"],
  ]),
  e("Ethan", "Foster", "M", "1982-07-22", "married", G1, "HRL", "DET", "EPO-750", "2026-01-01", [
    ["spouse", "Grace", "F", "1983-03-14"],
    ["child", "Lily", "F", "2010-10-02"],
  ]),
  e("Sophia", "Garcia", "F", "1995-05-17", "single", G1, "SAL", "GRR", "HDHP-3000", "2026-01-01", [
    ["child", "Mateo", "M", "2020-08-09"],
  ]),
  e("Mason", "Hughes", "M", "1970-01-28", "married", G2, undefined, "DET", "HMO-500", "2025-01-01", [
    ["spouse", "Karen", "F", "1972-06-06"],
  ]),
  e(
    "Isabella",
    "Ito",
    "F",
    "1988-09-09",
    "domestic-partner",
    G2,
    undefined,
    "TOL",
    "PPO-1000",
    "2026-01-01",
    [["domestic-partner", "Jordan", "M", "1987-12-01"]],
  ),
  e("Lucas", "Jensen", "M", "1992-03-03", "single", G1, "HRL", "TOL", "HMO-500", "2026-01-01"),
  e("Mia", "Kim", "F", "1986-12-24", "married", G1, "SAL", "GRR", "PPO-1000", "2026-01-01", [
    ["spouse", "Daniel", "M", "1985-01-15"],
    ["child", "Hana", "F", "2012-04-04"],
    ["child", "Jun", "M", "2015-09-19"],
    ["child", "Min", "F", "2019-11-11"],
  ]),
  e("Henry", "Lopez", "M", "1975-06-30", "divorced", G2, undefined, "DET", "PPO-1000", "2026-01-01", [
    ["child", "Sofia", "F", "2008-02-27"],
  ]),
  e("Amelia", "Morgan", "F", "1999-10-10", "single", G1, "HRL", "DET", "HDHP-3000", "2026-01-01"),
  e("Alexander", "Nakamura", "M", "1980-08-18", "married", G1, "SAL", "DET", "EPO-750", "2025-07-01", [
    ["spouse", "Yuki", "F", "1981-05-05"],
    ["child", "Ren", "M", "2011-07-07"],
  ]),
  e("Charlotte", "O'Brien", "F", "1983-04-01", "widowed", G2, undefined, "TOL", "HMO-500", "2026-01-01", [
    ["child", "Sean", "M", "2009-03-21"],
  ]),
  e("Benjamin", "Patel", "M", "1991-02-14", "married", G1, "HRL", "GRR", "PPO-1000", "2026-01-01", [
    ["spouse", "Priya", "F", "1992-08-30"],
  ]),
  e("Harper", "Quinn", "F", "1987-07-07", "single", G1, "SAL", "TOL", "EPO-750", "2026-01-01"),
  e("James", "Rivera", "M", "1968-11-11", "married", G2, undefined, "DET", "PPO-1000", "2025-01-01", [
    ["spouse", "Rosa", "F", "1969-04-23"],
    // A disabled adult child: covered past 26.
    ["child", "Miguel", "M", "1995-06-15", true],
  ]),
  e("Evelyn", "Schultz", "F", "1993-01-19", "married", G1, "HRL", "DET", "HMO-500", "2026-01-01", [
    ["spouse", "Tobias", "M", "1991-10-08"],
    ["child", "Lena", "F", "2022-05-30"],
  ]),
  e("Michael", "Thompson", "M", "1979-09-25", "married", G1, "SAL", "GRR", "HDHP-3000", "2026-01-01", [
    ["spouse", "Jennifer", "F", "1980-12-12"],
    ["child", "Ryan", "M", "2007-01-09"],
    ["stepchild", "Chloe", "F", "2013-03-30"],
  ]),
  e("Abigail", "Usman", "F", "1996-06-06", "single", G2, undefined, "TOL", "HMO-500", "2026-01-01"),
  e("Daniel", "Vasquez", "M", "1984-10-31", "married", G1, "HRL", "TOL", "PPO-1000", "2026-01-01", [
    ["spouse", "Elena", "F", "1986-02-02"],
  ]),
  e("Emily", "Walsh", "F", "1977-03-17", "divorced", G1, "SAL", "DET", "PPO-1000", "2025-07-01", [
    ["child", "Connor", "M", "2006-12-05"],
    ["adopted-child", "Aoife", "F", "2010-08-14"],
  ]),
  e("Samuel", "Xu", "M", "1989-05-21", "married", G2, undefined, "GRR", "PPO-1000", "2026-01-01", [
    ["spouse", "Lin", "F", "1990-07-07"],
    ["child", "Wei", "M", "2018-09-09"],
  ]),
  e("Elizabeth", "Young", "F", "1981-08-08", "single", G1, "HRL", "GRR", "EPO-750", "2026-01-01"),
  e("Jacob", "Zimmerman", "M", "1973-12-01", "married", G1, "SAL", "DET", "HMO-500", "2025-01-01", [
    ["spouse", "Anna", "F", "1974-04-04"],
    ["child", "Max", "M", "2004-05-05"],
  ]),
  e("Scarlett", "Abbott", "F", "1994-02-28", "single", G2, undefined, "DET", "PPO-1000", "2026-01-01"),
];

/** HMO PCPs by location: family/internal medicine for adults, pediatrics for children. All accept new patients. */
const PCP_NPI = {
  DET: { adult: "1003000126", child: "1003000142" },
  TOL: { adult: "1003000167", child: "1003000175" },
  GRR: { adult: "1003000191", child: "1003000209" },
} as const;
const ADDRESS = {
  DET: { city: "Detroit", state: "MI", zip: "48201" },
  TOL: { city: "Toledo", state: "OH", zip: "43604" },
  GRR: { city: "Grand Rapids", state: "MI", zip: "49503" },
} as const;

/** A valid, deterministic SSN per demo person: area 801+, group 1–9 + digit, serial never 0000. */
export function demoSsn(employeeIndex: number, personIndex: number): string {
  const n = employeeIndex * 10 + personIndex;
  const area = String(801 + (n % 98)).padStart(3, "0");
  const group = String(10 + ((n * 7) % 89)).padStart(2, "0");
  const serial = String(1000 + ((n * 37) % 8999)).padStart(4, "0");
  return `${area}${group}${serial}`;
}

export const demoMemberId = (policyholderId: string, employeeNumber: string) =>
  seedId("mbr", `${policyholderId}/${employeeNumber}`);

export async function seedDemoMembers(
  tx: Tx,
  pii: PiiVault,
  ids: {
    policyholderId: string;
    employer: string;
    group: (n: string) => string;
    subgroup: (g: string, c: string) => string;
    location: (c: string) => string;
    plan: (c: string) => string;
    provider: (npi: string) => string;
  },
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  for (const [i, emp] of DEMO_EMPLOYEES.entries()) {
    const employeeNumber = `E${1001 + i}`;
    const memberId = demoMemberId(ids.policyholderId, employeeNumber);
    const exists = await tx.selectFrom("members").select("id").where("id", "=", memberId).executeTakeFirst();
    if (exists) continue;
    const hmo = emp.plan.startsWith("HMO");
    const pcp = (child: boolean) =>
      hmo ? ids.provider(PCP_NPI[emp.location][child ? "child" : "adult"]) : null;
    const address = { line1: `${120 + i * 7} Main Street`, ...ADDRESS[emp.location] };
    const hireDate = `${Number(emp.effective.slice(0, 4)) - 1 - (i % 9)}-03-16`;
    await tx
      .insertInto("members")
      .values({
        id: memberId,
        employer_id: ids.employer,
        group_id: ids.group(emp.group),
        subgroup_id: emp.subgroup ? ids.subgroup(emp.group, emp.subgroup) : null,
        location_id: ids.location(emp.location),
        plan_id: ids.plan(emp.plan),
        plan_effective_date: emp.effective,
        status: "active",
        tier: null,
        monthly_premium_cents: 0,
        effective_date: emp.effective,
        termination_date: null,
        termination_reason: null,
        employee_number: employeeNumber,
        hire_date: hireDate,
        employment_status: i % 6 === 5 ? "part-time" : "full-time",
        sort_name: nameKey(emp.last, emp.first),
        version: 0,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const common = { memberId, employerId: ids.employer, coverageStart: emp.effective, now: at };
    const subscriber: SubscriberInput = {
      firstName: emp.first,
      lastName: emp.last,
      ssn: demoSsn(i, 0),
      dateOfBirth: emp.dob,
      sex: emp.sex,
      maritalStatus: emp.marital as SubscriberInput["maritalStatus"],
      email: `${emp.first}.${emp.last}`.toLowerCase().replace(/[^a-z.]/g, "") + "@mail.example",
      phone: `313-555-${String(100 + i).padStart(4, "0")}`,
      address,
    };
    const rows = [
      newPersonRow(pii, subscriber, {
        ...common,
        id: seedId("per", `${memberId}/0`),
        relationship: "subscriber",
        pcpProviderId: pcp(false),
      }),
      ...emp.deps.map(([relationship, first, sex, dob, disabled], j) =>
        newPersonRow(
          pii,
          {
            firstName: first,
            lastName: emp.last,
            ssn: demoSsn(i, j + 1),
            dateOfBirth: dob,
            sex,
            disabled: Boolean(disabled),
            relationship: relationship as "child",
          },
          {
            ...common,
            id: seedId("per", `${memberId}/${j + 1}`),
            relationship,
            pcpProviderId: pcp(relationship !== "spouse" && relationship !== "domestic-partner"),
          },
        ),
      ),
    ];
    await tx.insertInto("people").values(rows).execute();
    const member = await settleMember(tx, memberId, now);
    await tx
      .insertInto("enrollment_transactions")
      .values({
        id: seedId("etx", `${memberId}/enroll`),
        employer_id: ids.employer,
        member_id: memberId,
        person_id: null,
        type: "addition",
        maintenance_type_code: "021",
        maintenance_reason_code: "28",
        effective_date: emp.effective,
        description: `Enrolled ${emp.first} ${emp.last} with ${emp.deps.length} dependent(s) in ${emp.plan}, tier ${member.tier} (demo data)`,
        details: JSON.stringify({ plan: emp.plan, tier: member.tier, personIds: rows.map((r) => r.id) }),
        actor_user_id: null,
        api_token_id: null,
        at,
      })
      .execute();
  }
}
