/**
 * Property: across random enrollment histories (enrollments, cancellations, reinstatements, dependents added
 * and removed, plan changes, COBRA, payments, the clock jumping days or months), every invoice's totals add
 * up, and once an invoice is issued, what has been billed for every member and month — lines plus
 * adjustments — is exactly what the roster says that month costs.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPortal, type TestPortal } from "../helpers/portal.js";
import { adminToken, enrollBody } from "../helpers/enrollment.js";
import { checkTotals, resetBilling } from "../helpers/billing.js";
import { applyPayment, loadRoster } from "../../src/portal/services/billing.js";
import { monthCharge, monthsBetween } from "../../src/portal/services/billing-charges.js";
import { addMonths, endOfMonth, todayOf } from "../../src/portal/services/dates.js";
import { demoIds } from "../../src/portal/services/demo.js";

const PLANS = ["PPO-1000", "EPO-750", "HDHP-3000"];
const op = fc.oneof(
  fc.record({
    kind: fc.constant("enroll" as const),
    plan: fc.integer({ min: 0, max: 2 }),
    deps: fc.subarray(["spouse", "child"] as const),
    month: fc.integer({ min: -1, max: 2 }),
  }),
  fc.record({ kind: fc.constant("cancel" as const), who: fc.nat(), month: fc.integer({ min: -2, max: 2 }) }),
  fc.record({ kind: fc.constant("reinstate" as const), who: fc.nat() }),
  fc.record({ kind: fc.constant("cobra" as const), who: fc.nat() }),
  fc.record({
    kind: fc.constant("addChild" as const),
    who: fc.nat(),
    month: fc.integer({ min: -1, max: 2 }),
  }),
  fc.record({
    kind: fc.constant("removeDep" as const),
    who: fc.nat(),
    month: fc.integer({ min: -2, max: 1 }),
  }),
  fc.record({
    kind: fc.constant("plan" as const),
    who: fc.nat(),
    plan: fc.integer({ min: 0, max: 2 }),
    month: fc.integer({ min: 0, max: 2 }),
  }),
  fc.record({ kind: fc.constant("pay" as const), percent: fc.integer({ min: 1, max: 130 }) }),
  fc.record({ kind: fc.constant("advance" as const), days: fc.integer({ min: 1, max: 45 }) }),
);

let portal: TestPortal;
let token: string;
let counter = 0;
/** What the runs did, so the test proves the histories were not all refused. */
const stats = { ok: 0, refused: 0, invoices: 0, adjustments: 0 };
beforeAll(async () => {
  portal = await testPortal();
  token = await adminToken(portal);
});
afterAll(async () => {
  await portal?.dispose();
});

async function billedEqualsRoster(): Promise<void> {
  const db = portal.ctx.db;
  const groupId = demoIds.group("G1000001");
  const invoices = await db
    .selectFrom("invoices")
    .selectAll()
    .where("group_id", "=", groupId)
    .orderBy("period")
    .execute();
  const plans = new Map((await db.selectFrom("plans").selectAll().execute()).map((p) => [p.code, p]));
  const months = monthsBetween(invoices[0]!.period, invoices.at(-1)!.period);
  const billed = new Map<string, number>();
  const add = (k: string, c: number) => billed.set(k, (billed.get(k) ?? 0) + c);
  for (const l of await db
    .selectFrom("invoice_lines")
    .innerJoin("invoices", "invoices.id", "invoice_lines.invoice_id")
    .select(["member_id", "period", "premium_cents"])
    .where("invoices.group_id", "=", groupId)
    .execute())
    add(`${l.member_id}/${l.period}`, l.premium_cents);
  for (const a of await db
    .selectFrom("invoice_adjustments")
    .innerJoin("invoices", "invoices.id", "invoice_adjustments.invoice_id")
    .select(["member_id", "coverage_month", "amount_cents"])
    .where("invoices.group_id", "=", groupId)
    .execute())
    add(`${a.member_id}/${a.coverage_month}`, a.amount_cents);
  for (const m of await loadRoster(db, groupId))
    for (const month of months)
      expect(billed.get(`${m.id}/${month}`) ?? 0, `${m.id} ${month}`).toBe(
        monthCharge(m, month, plans).totalCents,
      );
  // The account as a whole: the latest amount due is every charge and adjustment less every payment before it.
  const latest = invoices.at(-1)!;
  const paidBefore = (
    await db
      .selectFrom("payments_applied")
      .select("amount_cents")
      .where(
        "invoice_id",
        "in",
        invoices
          .slice(0, -1)
          .map((i) => i.id)
          .concat("none"),
      )
      .execute()
  ).reduce((s, p) => s + p.amount_cents, 0);
  const charged = invoices.reduce((s, i) => s + i.current_charges_cents + i.adjustments_cents, 0);
  expect(latest.amount_due_cents).toBe(charged - paidBefore);
}

describe("billing reconciles across random enrollment histories", () => {
  it("lines, adjustments, payments and balances always add up", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 14 }), async (ops) => {
        await resetBilling(portal, "2026-11-20T12:00:00.000Z");
        const call = async (method: string, url: string, body?: unknown) => {
          const r = await portal.call(method, url, { body, token });
          if (method !== "GET") stats[r.status < 300 ? "ok" : "refused"]++;
          return r;
        };
        const today = () => todayOf(portal.clock.now());
        const firstOf = (offset: number) => addMonths(`${today().slice(0, 7)}-01`, offset);
        const created: string[] = [];
        const pick = (n: number) => created[n % Math.max(created.length, 1)];
        for (const o of ops) {
          switch (o.kind) {
            case "enroll": {
              const n = ++counter;
              const body = enrollBody({
                plan: PLANS[o.plan],
                effectiveDate: firstOf(o.month),
                employeeNumber: `P${n}`,
              }) as any;
              body.subscriber = {
                ...body.subscriber,
                ssn: `${100 + (n % 500)}-${10 + (n % 89)}-${String(1000 + n).padStart(4, "0")}`,
              };
              body.dependents = body.dependents
                .filter((d: any) => o.deps.includes(d.relationship))
                .map((d: any, i: number) => ({
                  ...d,
                  ssn: `${100 + ((n + i + 1) % 500)}-${10 + ((n * 3 + i) % 89)}-${String(5000 + n * 3 + i).padStart(4, "0")}`,
                }));
              const r = await call("POST", "/v1/members", body);
              if (r.status === 201) created.push(r.body.id);
              break;
            }
            case "cancel":
              if (pick(o.who))
                await call("POST", `/v1/members/${pick(o.who)}/cancel`, {
                  terminationDate: endOfMonth(firstOf(o.month)),
                  reason: "termination-of-employment",
                });
              break;
            case "reinstate":
              if (pick(o.who)) await call("POST", `/v1/members/${pick(o.who)}/reinstate`, {});
              break;
            case "cobra":
              if (pick(o.who)) {
                const m = (await call("GET", `/v1/members/${pick(o.who)}`)).body;
                if (m.terminationDate)
                  await call("POST", `/v1/members/${m.id}/cobra`, {
                    event: "termination-of-employment",
                    eventDate: m.terminationDate,
                  });
              }
              break;
            case "addChild":
              if (pick(o.who)) {
                const n = ++counter;
                await call("POST", `/v1/members/${pick(o.who)}/dependents`, {
                  dependent: {
                    relationship: "child",
                    firstName: "Kid",
                    lastName: `P${n}`,
                    ssn: `${100 + (n % 500)}-${10 + ((n * 7) % 89)}-${String(1000 + n).padStart(4, "0")}`,
                    dateOfBirth: "2016-06-06",
                    sex: "U",
                  },
                  effectiveDate: firstOf(o.month),
                });
              }
              break;
            case "removeDep":
              if (pick(o.who)) {
                const m = (await call("GET", `/v1/members/${pick(o.who)}`)).body;
                const dep = m.dependents?.find((d: any) => d.status === "active");
                if (dep)
                  await call("POST", `/v1/members/${m.id}/dependents/${dep.id}/remove`, {
                    coverageEndDate: endOfMonth(firstOf(o.month)),
                  });
              }
              break;
            case "plan":
              if (pick(o.who))
                await call("POST", `/v1/members/${pick(o.who)}/plan`, {
                  plan: PLANS[o.plan],
                  effectiveDate: firstOf(o.month),
                });
              break;
            case "pay": {
              const inv = (await call("GET", "/v1/invoices/current?group=G1000001")).body;
              const cents = Math.round((Math.max(inv.balanceCents, 100) * o.percent) / 100);
              await portal.ctx.db
                .transaction()
                .execute((tx) => applyPayment(tx, inv.id, cents, portal.clock.now(), "property test"));
              break;
            }
            case "advance":
              await call("POST", "/v1/sandbox/clock/advance", { by: `${o.days}d` });
              await checkTotals(portal);
              break;
          }
        }
        // Issue once more with nothing in between: everything billed so far must now match the roster.
        await call("POST", "/v1/sandbox/clock/advance", { by: "32d" });
        await checkTotals(portal);
        await billedEqualsRoster();
        stats.invoices += (await portal.ctx.db.selectFrom("invoices").select("id").execute()).length;
        stats.adjustments += (
          await portal.ctx.db.selectFrom("invoice_adjustments").select("id").execute()
        ).length;
      }),
      { numRuns: 40, seed: Number(process.env.FC_SEED ?? 20261127) }, // reproducible in CI; FC_SEED explores
    );
    expect(stats.ok).toBeGreaterThan(100);
    expect(stats.adjustments).toBeGreaterThan(10);
  }, 240_000);
});
