import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEATURES } from "../../src/contract/common.js";
import {
  CancelRequest,
  CobraRequest,
  COBRA_EVENTS,
  DependentAddRequest,
  DependentRemoveRequest,
  EnrollRequest,
  MemberUpdateRequest,
  PlanChangeRequest,
} from "../../src/contract/members.js";
import { AppError } from "../../src/portal/errors.js";
import type { Principal } from "../../src/portal/services/access.js";
import { startCobra } from "../../src/portal/services/cobra.js";
import { isSpouseLike, rateFor, tierFor } from "../../src/portal/services/coverage.js";
import {
  addDays,
  addMonths,
  endOfMonth,
  firstOfNextMonth,
  todayOf,
} from "../../src/portal/services/dates.js";
import { demoIds } from "../../src/portal/services/demo.js";
import * as enrollment from "../../src/portal/services/enrollment.js";
import { cancelMember, reinstateMember } from "../../src/portal/services/termination.js";
import { address, pinClock } from "../helpers/enrollment.js";
import { testPortal, type TestPortal } from "../helpers/portal.js";

/**
 * Model-free property test of the enrollment state machine: any sequence of enroll → updates, dependent
 * changes, plan changes, cancel, reinstate, COBRA and time passing — valid or not — keeps the invariants,
 * and a refused step changes nothing.
 */

let portal: TestPortal;
beforeAll(async () => {
  portal = await testPortal();
});
afterAll(async () => {
  await portal.dispose();
});

const principal = (): Principal => ({
  userId: demoIds.primaryAdmin,
  employerId: demoIds.employer,
  role: "primary-admin",
  features: new Set(FEATURES),
  scope: { employerWide: true, groupIds: new Set(), locationIds: new Set() },
  credential: { kind: "session", familyId: "fam_property", expiresAt: "2099-01-01T00:00:00.000Z" },
});

let ssnCounter = 0;
/** Unique valid SSNs: area 500–659, group 10–99, serial 1000+n. */
function nextSsn(): string {
  const n = ssnCounter++;
  return `${500 + (n % 160)}${10 + (Math.floor(n / 160) % 90)}${1000 + n}`;
}

type Action =
  | { kind: "rename"; lastName: string }
  | { kind: "addDependent"; relationship: "spouse" | "child" | "stepchild"; age: number; disabled: boolean }
  | { kind: "removeDependent"; index: number; monthOffset: number }
  | { kind: "changePlan"; plan: "PPO-1000" | "EPO-750" | "HDHP-3000" | "HMO-500"; monthOffset: number }
  | {
      kind: "cancel";
      monthOffset: number;
      reason: "termination-of-employment" | "voluntary" | "death" | "non-payment";
    }
  | { kind: "reinstate" }
  | { kind: "cobra"; event: (typeof COBRA_EVENTS)[number]; daysBack: number; personIndex: number | null }
  | { kind: "advance"; days: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("rename" as const), lastName: fc.constantFrom("Stone", "Rivers", "Ång") }),
  fc.record({
    kind: fc.constant("addDependent" as const),
    relationship: fc.constantFrom("spouse" as const, "child" as const, "stepchild" as const),
    age: fc.integer({ min: 0, max: 30 }),
    disabled: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("removeDependent" as const),
    index: fc.nat(4),
    monthOffset: fc.integer({ min: -3, max: 1 }),
  }),
  fc.record({
    kind: fc.constant("changePlan" as const),
    plan: fc.constantFrom("PPO-1000" as const, "EPO-750" as const, "HDHP-3000" as const, "HMO-500" as const),
    monthOffset: fc.integer({ min: -3, max: 2 }),
  }),
  fc.record({
    kind: fc.constant("cancel" as const),
    monthOffset: fc.integer({ min: -3, max: 1 }),
    reason: fc.constantFrom(
      "termination-of-employment" as const,
      "voluntary" as const,
      "death" as const,
      "non-payment" as const,
    ),
  }),
  fc.constant({ kind: "reinstate" as const }),
  fc.record({
    kind: fc.constant("cobra" as const),
    event: fc.constantFrom(...COBRA_EVENTS),
    daysBack: fc.integer({ min: -5, max: 40 }),
    personIndex: fc.option(fc.nat(4)),
  }),
  fc.record({ kind: fc.constant("advance" as const), days: fc.integer({ min: 1, max: 75 }) }),
);

async function snapshot(memberId: string) {
  const db = portal.ctx.db;
  const [member, people, cobra, transactions] = await Promise.all([
    db.selectFrom("members").selectAll().where("id", "=", memberId).executeTakeFirstOrThrow(),
    db.selectFrom("people").selectAll().where("member_id", "=", memberId).orderBy("id").execute(),
    db.selectFrom("cobra_coverages").selectAll().where("member_id", "=", memberId).orderBy("id").execute(),
    db.selectFrom("enrollment_transactions").selectAll().where("member_id", "=", memberId).execute(),
  ]);
  const plan = await db
    .selectFrom("plans")
    .selectAll()
    .where("id", "=", member.plan_id)
    .executeTakeFirstOrThrow();
  return { member, people, cobra, transactions, plan };
}

async function checkInvariants(memberId: string) {
  const { member, people, cobra, plan } = await snapshot(memberId);
  const subscriber = people.find((p) => p.relationship === "subscriber")!;
  const active = people.filter((p) => p.status === "active");
  // A dependent is never active while the subscriber is not.
  if (subscriber.status !== "active") expect(active).toEqual([]);
  expect(member.status === "active").toBe(subscriber.status === "active");
  // The tier always matches who is covered; the premium is the plan's rate for that tier.
  if (member.status === "active") {
    const tier = tierFor(active.map((p) => p.relationship));
    expect(member.tier).toBe(tier);
    expect(member.monthly_premium_cents).toBe(rateFor(plan, tier));
    expect(member.termination_date).toBeNull();
  } else {
    expect(member.tier).toBeNull();
    expect(member.monthly_premium_cents).toBe(0);
    expect(member.termination_date).not.toBeNull();
    expect(member.status).toBe(people.some((p) => p.status === "cobra") ? "cobra" : "terminated");
  }
  expect(active.filter((p) => isSpouseLike(p.relationship)).length).toBeLessThanOrEqual(1);
  for (const p of people) {
    if (p.status === "active") expect(p.coverage_end).toBeNull();
    else expect(p.coverage_end).not.toBeNull();
    if (p.status === "terminated") expect(p.coverage_end).toBe(member.termination_date);
    // Everyone on an HMO has a PCP; no one on another plan has one.
    if (p.status === "active") expect(p.pcp_provider_id !== null).toBe(plan.requires_pcp === 1);
    if (p.status === "cobra") {
      const c = cobra.find((x) => x.id === p.cobra_id)!;
      expect(c.coverage_start).toBe(addDays(p.coverage_end!, 1));
      expect(c.coverage_start).toBe(addDays(c.regular_coverage_end, 1));
    } else expect(p.cobra_id).toBeNull();
  }
  for (const c of cobra) {
    expect([18, 29, 36]).toContain(c.months);
    expect(c.coverage_end).toBe(addDays(addMonths(c.coverage_start, c.months), -1));
  }
}

/** Runs one step; false when the step changes no member (time passing, nothing to remove). */
async function run(memberId: string, a: Action): Promise<boolean> {
  const ctx = portal.ctx;
  const who = principal();
  const today = todayOf(ctx.clock.now());
  const { people, member, plan } = await snapshot(memberId);
  const dependents = people.filter((p) => p.relationship !== "subscriber");
  const pcpIfNeeded = plan.requires_pcp ? { pcp: "1003000126" } : {};
  switch (a.kind) {
    case "rename":
      await enrollment.updateMember(
        ctx,
        who,
        memberId,
        MemberUpdateRequest.parse({ version: member.version, lastName: a.lastName }),
      );
      return true;
    case "addDependent":
      await enrollment.addDependent(
        ctx,
        who,
        memberId,
        DependentAddRequest.parse({
          effectiveDate: firstOfNextMonth(today),
          dependent: {
            relationship: a.relationship,
            firstName: "Dep",
            lastName: "Property",
            ssn: nextSsn(),
            dateOfBirth: addDays(addMonths(today, -12 * a.age), -3),
            sex: "U",
            disabled: a.disabled,
            ...pcpIfNeeded,
          },
        }),
      );
      return true;
    case "removeDependent": {
      const person = dependents[a.index % Math.max(dependents.length, 1)];
      if (!person) return false;
      await enrollment.removeDependent(
        ctx,
        who,
        memberId,
        person.id,
        DependentRemoveRequest.parse({ coverageEndDate: endOfMonth(addMonths(today, a.monthOffset)) }),
      );
      return true;
    }
    case "changePlan": {
      const pcps = people
        .filter((p) => p.status === "active")
        .map((p) => ({ personId: p.id, provider: "1003000126" }));
      await enrollment.changePlan(
        ctx,
        who,
        memberId,
        PlanChangeRequest.parse({
          plan: a.plan,
          effectiveDate: firstOfNextMonth(addMonths(today, a.monthOffset)),
          pcps: a.plan === "HMO-500" ? pcps : [],
        }),
      );
      return true;
    }
    case "cancel":
      await cancelMember(
        ctx,
        who,
        memberId,
        CancelRequest.parse({
          terminationDate: endOfMonth(addMonths(today, a.monthOffset)),
          reason: a.reason,
        }),
      );
      return true;
    case "reinstate":
      await reinstateMember(ctx, who, memberId, {});
      return true;
    case "cobra": {
      const person = a.personIndex === null ? undefined : people[a.personIndex % people.length];
      await startCobra(
        ctx,
        who,
        memberId,
        CobraRequest.parse({ event: a.event, eventDate: addDays(today, -a.daysBack), personId: person?.id }),
      );
      return true;
    }
    case "advance":
      portal.clock.offsetMs += a.days * 86_400_000;
      return false;
  }
}

describe("enrollment state machine (property)", () => {
  it("keeps its invariants for any sequence of changes, and refused changes change nothing", async () => {
    let employee = 0;
    const succeeded = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("PPO-1000", "HMO-500", "HDHP-3000"),
        fc.nat(2),
        fc.array(action, { minLength: 1, maxLength: 14 }),
        async (plan, children, actions) => {
          pinClock(portal);
          const today = todayOf(portal.ctx.clock.now());
          const pcp = plan === "HMO-500" ? { pcp: "1003000126" } : {};
          const created = await enrollment.enroll(
            portal.ctx,
            principal(),
            EnrollRequest.parse({
              groupNumber: "G1000001",
              location: "DET",
              plan,
              effectiveDate: firstOfNextMonth(addMonths(today, -1)),
              employeeNumber: `P${employee++}`,
              hireDate: "2019-05-01",
              subscriber: {
                firstName: "Sub",
                lastName: "Property",
                ssn: nextSsn(),
                dateOfBirth: "1980-02-02",
                sex: "F",
                address,
                ...pcp,
              },
              dependents: Array.from({ length: children }, (_, i) => ({
                relationship: "child",
                firstName: `Kid${i}`,
                lastName: "Property",
                ssn: nextSsn(),
                dateOfBirth: `201${i}-06-06`,
                sex: "U",
                ...pcp,
              })),
            }),
          );
          await checkInvariants(created.id);
          for (const a of actions) {
            const before = await snapshot(created.id);
            try {
              const changed = await run(created.id, a);
              const after = await snapshot(created.id);
              if (changed) succeeded.set(a.kind, (succeeded.get(a.kind) ?? 0) + 1);
              if (changed) {
                expect(after.member.version).toBe(before.member.version + 1);
                expect(after.transactions.length).toBe(before.transactions.length + 1);
              }
            } catch (err) {
              // Only rule refusals are allowed, and they leave everything as it was.
              if (!(err instanceof AppError)) throw err;
              expect([404, 409, 422]).toContain(err.status);
              expect(err.details?.length ?? 1).toBeGreaterThan(0);
              expect(await snapshot(created.id)).toEqual(before);
            }
            await checkInvariants(created.id);
          }
        },
      ),
      // A fixed seed keeps CI reproducible (random seeds sometimes never reached a COBRA step, which the
      // coverage check below rightly refuses); FC_SEED explores other sequences locally.
      { numRuns: 80, seed: Number(process.env.FC_SEED ?? 20261127) },
    );
    // The generator must reach every transition, or the invariants above prove little.
    for (const kind of [
      "rename",
      "addDependent",
      "removeDependent",
      "changePlan",
      "cancel",
      "reinstate",
      "cobra",
    ])
      expect(succeeded.get(kind) ?? 0, `successful ${kind} steps`).toBeGreaterThan(0);
  }, 120_000);
});
