import { demoIds } from "../../src/portal/services/demo.js";
import { seedDemoInvoice } from "../../src/portal/services/billing.js";
import type { TestPortal } from "./portal.js";

/**
 * Billing tests need the calendar fixed: clears what the demo seeded for billing (it depends on the real
 * date), pins the clock, and seeds the demo's one invoice again for that date.
 */
export async function resetBilling(portal: TestPortal, at: string): Promise<void> {
  const db = portal.ctx.db;
  for (const table of [
    "amount_due_requests",
    "payments_applied",
    "invoice_adjustments",
    "invoice_lines",
    "invoices",
    "billing_accounts",
  ] as const)
    await db.deleteFrom(table).execute();
  portal.clock.offsetMs = Date.parse(at) - Date.now();
  await seedDemoInvoice(portal.ctx, demoIds.group("G1000001"));
}

/** Every invoice's totals add up: amount due = previous balance − payments + adjustments + current charges. */
export async function checkTotals(portal: TestPortal): Promise<void> {
  const db = portal.ctx.db;
  const invoices = await db
    .selectFrom("invoices")
    .selectAll()
    .orderBy("group_id")
    .orderBy("period")
    .execute();
  const byGroup = new Map<string, typeof invoices>();
  for (const inv of invoices) byGroup.set(inv.group_id, [...(byGroup.get(inv.group_id) ?? []), inv]);
  for (const list of byGroup.values()) {
    let prev: (typeof invoices)[number] | undefined;
    for (const inv of list) {
      const lines = await db
        .selectFrom("invoice_lines")
        .select(["premium_cents", "regular_cents", "cobra_cents"])
        .where("invoice_id", "=", inv.id)
        .execute();
      const adjustments = await db
        .selectFrom("invoice_adjustments")
        .select("amount_cents")
        .where("invoice_id", "=", inv.id)
        .execute();
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      for (const l of lines)
        if (l.premium_cents !== l.regular_cents + l.cobra_cents) throw new Error("line parts");
      if (sum(lines.map((l) => l.premium_cents)) !== inv.current_charges_cents)
        throw new Error(`${inv.number}: current charges ${inv.current_charges_cents} ≠ sum of lines`);
      if (lines.length !== inv.line_count) throw new Error(`${inv.number}: line count`);
      if (sum(adjustments.map((a) => a.amount_cents)) !== inv.adjustments_cents)
        throw new Error(`${inv.number}: adjustments ≠ sum of adjustment items`);
      const paidPrev = prev
        ? sum(
            (
              await db
                .selectFrom("payments_applied")
                .select("amount_cents")
                .where("invoice_id", "=", prev.id)
                .execute()
            ).map((p) => p.amount_cents),
          )
        : 0;
      if (inv.previous_balance_cents !== (prev?.amount_due_cents ?? 0))
        throw new Error(`${inv.number}: previous balance ≠ previous invoice's amount due`);
      if (inv.payments_cents !== paidPrev) throw new Error(`${inv.number}: payments ≠ received on previous`);
      if (
        inv.amount_due_cents !==
        inv.previous_balance_cents - inv.payments_cents + inv.adjustments_cents + inv.current_charges_cents
      )
        throw new Error(`${inv.number}: amount due does not add up`);
      prev = inv;
    }
  }
}
