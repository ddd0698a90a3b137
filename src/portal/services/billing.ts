import { sql } from "kysely";
import type { z } from "zod";
import type {
  AdjustAddRequest,
  AdjustResponse,
  AdjustTerminateRequest,
  AdjustmentGroup,
  AmountDueRequestCreate,
  AmountDueRequestView,
  BillingPreferencesUpdate,
  InvoiceDetail,
  InvoiceLine,
  InvoiceLinesQuery,
  InvoiceListQuery,
  InvoiceStatus,
  InvoiceSummary,
} from "../../contract/billing.js";
import { formatUsd } from "../../contract/money.js";
import type { PortalContext } from "../context.js";
import type { Database, Db, Tx } from "../db/index.js";
import { AppError, notFound, unprocessable } from "../errors.js";
import { newId } from "../ids.js";
import { inScope, requireFeature, requireInScope, type Principal } from "./access.js";
import { audit } from "./audit.js";
import {
  adjustmentReason,
  monthCharge,
  monthsBetween,
  previousMonth,
  type RosterMember,
} from "./billing-charges.js";
import type { PlanRates } from "./coverage.js";
import { addMonths, todayOf } from "./dates.js";
import { enroll } from "./enrollment.js";
import { cancelMember, previewCancel } from "./termination.js";
import { billingRecipients } from "./users.js";

type Out<T extends z.ZodType> = z.output<T>;
type InvoiceRow = Database["invoices"];

/*
 * The billing cycle and everything users see of it. Rules (README, "Portal rules: billing"):
 * - on the 15th (UTC date of the portal's clock) each group's invoice for the next month is issued from the
 *   roster as it stands; it is due on the 1st of that month;
 * - changes to months already billed become adjustments on the next invoice, per member and month;
 * - amount due = previous balance − payments received + adjustments + current charges (balance forward);
 * - payments post against invoices in `payments_applied` (the payments issue writes there; see applyPayment).
 */

/** How far back a retroactive change is looked for (enrollment rules allow 60 days; COBRA a little more). */
const ADJUSTMENT_LOOKBACK_MONTHS = 24;
const CHUNK = 5000;
const INSERT_CHUNK = 400;

// ---------------------------------------------------------------- cycle dates

/** The first billing-cycle day (the 15th) on or after `date`. */
export function cycleOnOrAfter(date: string): string {
  const fifteenth = `${date.slice(0, 8)}15`;
  return fifteenth >= date ? fifteenth : addMonths(fifteenth, 1);
}
/** The latest cycle day on or before `date`. */
export function cycleOnOrBefore(date: string): string {
  const fifteenth = `${date.slice(0, 8)}15`;
  return fifteenth <= date ? fifteenth : addMonths(fifteenth, -1);
}
export const periodOfCycle = (cycleDate: string) => addMonths(cycleDate, 1).slice(0, 7);

// ---------------------------------------------------------------- roster

async function planRates(db: Db | Tx, employerId: string): Promise<Map<string, PlanRates>> {
  const rows = await db.selectFrom("plans").selectAll().where("employer_id", "=", employerId).execute();
  return new Map(rows.map((p) => [p.code, p]));
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The group's members (all, or those listed) with people, COBRA and plan history: what billing reads. */
export async function loadRoster(
  db: Db | Tx,
  groupId: string,
  memberIds?: string[],
): Promise<RosterMember[]> {
  if (memberIds && !memberIds.length) return [];
  const parts = memberIds ? chunks(memberIds) : [undefined];
  const out: RosterMember[] = [];
  for (const ids of parts) {
    let mq = db
      .selectFrom("members")
      .innerJoin("locations", "locations.id", "members.location_id")
      .innerJoin("plans", "plans.id", "members.plan_id")
      .leftJoin("subgroups", "subgroups.id", "members.subgroup_id")
      .select([
        "members.id",
        "members.sort_name",
        "members.employee_number",
        "members.status",
        "members.termination_date",
        "locations.code as location",
        "subgroups.code as subgroup",
        "plans.code as planCode",
      ])
      .where("members.group_id", "=", groupId);
    if (ids) mq = mq.where("members.id", "in", ids);
    const members = await mq.execute();
    let pq = db
      .selectFrom("people")
      .innerJoin("members", "members.id", "people.member_id")
      .select([
        "people.id",
        "people.member_id",
        "people.first_name",
        "people.last_name",
        "people.relationship",
        "people.status",
        "people.coverage_start",
        "people.coverage_end",
        "people.cobra_id",
      ])
      .where("members.group_id", "=", groupId);
    if (ids) pq = pq.where("people.member_id", "in", ids);
    let cq = db
      .selectFrom("cobra_coverages")
      .innerJoin("members", "members.id", "cobra_coverages.member_id")
      .selectAll("cobra_coverages")
      .where("members.group_id", "=", groupId);
    if (ids) cq = cq.where("cobra_coverages.member_id", "in", ids);
    let tq = db
      .selectFrom("enrollment_transactions")
      .innerJoin("members", "members.id", "enrollment_transactions.member_id")
      .select([
        "enrollment_transactions.member_id",
        "enrollment_transactions.effective_date",
        "enrollment_transactions.details",
      ])
      .where("members.group_id", "=", groupId)
      .where("enrollment_transactions.type", "=", "change")
      .where("enrollment_transactions.maintenance_reason_code", "=", "22")
      .orderBy("enrollment_transactions.at")
      .orderBy(sql`enrollment_transactions.rowid`);
    if (ids) tq = tq.where("enrollment_transactions.member_id", "in", ids);
    const [people, cobra, changes] = await Promise.all([pq.execute(), cq.execute(), tq.execute()]);
    const byMember = new Map<string, RosterMember>();
    for (const m of members) {
      const r: RosterMember = {
        id: m.id,
        subscriberName: "",
        sortName: m.sort_name,
        employeeNumber: m.employee_number,
        subgroup: m.subgroup,
        location: m.location,
        status: m.status,
        planCode: m.planCode,
        planChanges: [],
        terminationDate: m.termination_date,
        people: [],
        cobra: [],
      };
      byMember.set(m.id, r);
      out.push(r);
    }
    for (const p of people) {
      const r = byMember.get(p.member_id);
      if (!r) continue;
      const person = {
        id: p.id,
        name: `${p.first_name} ${p.last_name}`,
        relationship: p.relationship,
        status: p.status,
        coverageStart: p.coverage_start,
        coverageEnd: p.coverage_end,
        cobraId: p.cobra_id,
      };
      if (p.relationship === "subscriber") {
        r.subscriberName = `${p.last_name}, ${p.first_name}`;
        r.people.unshift(person);
      } else r.people.push(person);
    }
    for (const c of cobra)
      byMember.get(c.member_id)?.cobra.push({
        id: c.id,
        tier: c.tier,
        coverageStart: c.coverage_start,
        coverageEnd: c.coverage_end,
        monthlyCents: c.monthly_premium_cents,
        extendedCents: c.extended_monthly_premium_cents,
        extendedFrom: c.extended_from,
      });
    for (const t of changes) {
      const d = JSON.parse(t.details ?? "{}") as { fromPlan?: string; toPlan?: string };
      if (d.fromPlan && d.toPlan)
        byMember
          .get(t.member_id)
          ?.planChanges.push({ effectiveDate: t.effective_date, fromPlan: d.fromPlan, toPlan: d.toPlan });
    }
  }
  return out;
}

/** What has been billed per member and month so far: the lines of each month's invoice plus adjustments. */
async function billedLedger(
  db: Db | Tx,
  groupId: string,
  memberIds: string[],
  fromMonth: string,
): Promise<Map<string, number>> {
  const ledger = new Map<string, number>();
  const add = (memberId: string, month: string, cents: number) =>
    ledger.set(`${memberId}/${month}`, (ledger.get(`${memberId}/${month}`) ?? 0) + cents);
  for (const ids of chunks(memberIds)) {
    const lines = await db
      .selectFrom("invoice_lines")
      .innerJoin("invoices", "invoices.id", "invoice_lines.invoice_id")
      .select(["invoice_lines.member_id", "invoices.period", "invoice_lines.premium_cents"])
      .where("invoices.group_id", "=", groupId)
      .where("invoices.period", ">=", fromMonth)
      .where("invoice_lines.member_id", "in", ids)
      .execute();
    for (const l of lines) add(l.member_id, l.period, l.premium_cents);
    const adjustments = await db
      .selectFrom("invoice_adjustments")
      .innerJoin("invoices", "invoices.id", "invoice_adjustments.invoice_id")
      .select([
        "invoice_adjustments.member_id",
        "invoice_adjustments.coverage_month",
        "invoice_adjustments.amount_cents",
      ])
      .where("invoices.group_id", "=", groupId)
      .where("invoice_adjustments.coverage_month", ">=", fromMonth)
      .where("invoice_adjustments.member_id", "in", ids)
      .execute();
    for (const a of adjustments) add(a.member_id, a.coverage_month, a.amount_cents);
  }
  return ledger;
}

export interface PendingItem {
  memberId: string;
  subscriberName: string;
  month: string;
  amountCents: number;
  reason: string;
}

/**
 * For each member given, the difference between what the roster says each billed month costs now and what
 * was billed for it: the adjustments the next invoice will carry.
 */
export function diffsFor(
  roster: RosterMember[],
  ledger: Map<string, number>,
  months: string[],
  plans: ReadonlyMap<string, PlanRates>,
): PendingItem[] {
  const out: PendingItem[] = [];
  for (const m of roster)
    for (const month of months) {
      const billed = ledger.get(`${m.id}/${month}`) ?? 0;
      const now = monthCharge(m, month, plans);
      if (now.totalCents !== billed)
        out.push({
          memberId: m.id,
          subscriberName: m.subscriberName,
          month,
          amountCents: now.totalCents - billed,
          reason: adjustmentReason(m, billed, now),
        });
    }
  return out;
}

async function firstPeriod(db: Db | Tx, groupId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("invoices")
    .select((eb) => eb.fn.min("period").as("first"))
    .where("group_id", "=", groupId)
    .executeTakeFirst();
  return row?.first ?? undefined;
}

/** Members of the group with an enrollment change at or after `since` (a timestamp). */
async function changedSince(db: Db | Tx, groupId: string, since: string): Promise<string[]> {
  const rows = await db
    .selectFrom("enrollment_transactions")
    .innerJoin("members", "members.id", "enrollment_transactions.member_id")
    .select("enrollment_transactions.member_id")
    .distinct()
    .where("enrollment_transactions.at", ">=", since)
    .where("members.group_id", "=", groupId)
    .execute();
  return rows.map((r) => r.member_id);
}

/**
 * Adjustments owed for months up to `lastMonth` by members changed since `since`. With `roster` given
 * (a dry run's what-if), those members are used instead of the stored ones.
 */
async function pendingAdjustments(
  db: Db | Tx,
  invoice: InvoiceRow,
  lastMonth: string,
  opts: { roster?: RosterMember[]; memberIds?: string[] } = {},
): Promise<PendingItem[]> {
  const first = await firstPeriod(db, invoice.group_id);
  if (!first) return [];
  const from = maxMonth(first, addMonths(`${lastMonth}-01`, -ADJUSTMENT_LOOKBACK_MONTHS).slice(0, 7));
  const roster =
    opts.roster ??
    (await loadRoster(
      db,
      invoice.group_id,
      opts.memberIds ?? (await changedSince(db, invoice.group_id, invoice.issued_at)),
    ));
  if (!roster.length) return [];
  const ledger = await billedLedger(
    db,
    invoice.group_id,
    roster.map((r) => r.id),
    from,
  );
  return diffsFor(roster, ledger, monthsBetween(from, lastMonth), await planRates(db, invoice.employer_id));
}

const maxMonth = (a: string, b: string) => (a > b ? a : b);

// ---------------------------------------------------------------- issuing

async function paidOn(db: Db | Tx, invoiceIds: string[]): Promise<Map<string, number>> {
  const paid = new Map<string, number>();
  for (const ids of chunks(invoiceIds)) {
    const rows = await db
      .selectFrom("payments_applied")
      .select(["invoice_id", (eb) => eb.fn.sum<number>("amount_cents").as("cents")])
      .where("invoice_id", "in", ids)
      .groupBy("invoice_id")
      .execute();
    for (const r of rows) paid.set(r.invoice_id, Number(r.cents));
  }
  return paid;
}

async function latestInvoice(db: Db | Tx, groupId: string): Promise<InvoiceRow | undefined> {
  return db
    .selectFrom("invoices")
    .selectAll()
    .where("group_id", "=", groupId)
    .orderBy("period", "desc")
    .limit(1)
    .executeTakeFirst();
}

/**
 * Issues the group's invoice for the cycle day `cycleDate` (a 15th) from the roster as it stands. One
 * transaction; idempotent: an invoice that exists for the period is returned as it is. Returns the
 * invoice ID and whether it was issued now.
 */
export async function issueInvoice(
  ctx: PortalContext,
  groupId: string,
  cycleDate: string,
): Promise<{ invoiceId: string; issued: boolean }> {
  const now = ctx.clock.now();
  const period = periodOfCycle(cycleDate);
  return ctx.db.transaction().execute(async (tx) => {
    const group = await tx
      .selectFrom("groups")
      .selectAll()
      .where("id", "=", groupId)
      .executeTakeFirstOrThrow();
    const existing = await tx
      .selectFrom("invoices")
      .select("id")
      .where("group_id", "=", groupId)
      .where("period", "=", period)
      .executeTakeFirst();
    const nextCycle = addMonths(cycleDate, 1);
    const advanceAccount = () =>
      tx
        .updateTable("billing_accounts")
        .set({ next_cycle_date: nextCycle })
        .where("group_id", "=", groupId)
        .where("next_cycle_date", "<", nextCycle)
        .execute();
    if (existing) {
      await advanceAccount();
      return { invoiceId: existing.id, issued: false };
    }
    const prev = await latestInvoice(tx, groupId);
    if (prev && prev.period > period)
      throw new Error(`cannot issue ${period} for ${group.group_number}: ${prev.period} is already issued`);
    const plans = await planRates(tx, group.employer_id);
    const roster = await loadRoster(tx, groupId);
    const invoiceId = newId("inv");
    const lines: Database["invoice_lines"][] = [];
    for (const m of roster) {
      const charge = monthCharge(m, period, plans);
      if (charge.totalCents === 0) continue;
      lines.push({
        invoice_id: invoiceId,
        member_id: m.id,
        sort_name: m.sortName,
        subscriber_name: m.subscriberName,
        employee_number: m.employeeNumber,
        subgroup: m.subgroup,
        location: m.location,
        status: m.status,
        plan_code: charge.planCode,
        tier: charge.tier,
        people: JSON.stringify(
          charge.people.map((p) => ({
            personId: p.id,
            name: p.name,
            relationship: p.relationship,
            status: p.status,
            coverageEnd: p.coverageEnd,
          })),
        ),
        regular_cents: charge.regularCents,
        cobra_cents: charge.cobraCents,
        premium_cents: charge.totalCents,
      });
    }
    const adjustments: PendingItem[] = prev ? await pendingAdjustments(tx, prev, previousMonth(period)) : [];
    const paid = prev ? ((await paidOn(tx, [prev.id])).get(prev.id) ?? 0) : 0;
    const current = lines.reduce((s, l) => s + l.premium_cents, 0);
    const adjusted = adjustments.reduce((s, a) => s + a.amountCents, 0);
    const previousBalance = prev?.amount_due_cents ?? 0;
    const account = await tx
      .selectFrom("billing_accounts")
      .selectAll()
      .where("group_id", "=", groupId)
      .executeTakeFirst();
    const delivery = ["portal"];
    if (account?.paper_billing) delivery.push("paper");
    if (account?.email_billing && JSON.parse(account.email_to).length) delivery.push("email");
    await tx
      .insertInto("invoices")
      .values({
        id: invoiceId,
        employer_id: group.employer_id,
        group_id: groupId,
        number: `${group.group_number}-${period.replace("-", "")}`,
        period,
        issue_date: cycleDate,
        due_date: `${period}-01`,
        issued_at: now.toISOString(),
        previous_balance_cents: previousBalance,
        payments_cents: paid,
        adjustments_cents: adjusted,
        current_charges_cents: current,
        amount_due_cents: previousBalance - paid + adjusted + current,
        line_count: lines.length,
        delivery: delivery.join(","),
        closed_at: null,
      })
      .execute();
    await insertLines(tx, lines);
    for (const part of chunks(adjustments, INSERT_CHUNK))
      await tx
        .insertInto("invoice_adjustments")
        .values(
          part.map((a) => ({
            invoice_id: invoiceId,
            member_id: a.memberId,
            coverage_month: a.month,
            amount_cents: a.amountCents,
            reason: a.reason,
            request_id: null,
          })),
        )
        .execute();
    if (prev)
      await tx
        .updateTable("invoices")
        .set({ closed_at: now.toISOString() })
        .where("id", "=", prev.id)
        .execute();
    await advanceAccount();
    await audit(tx, now, {
      employerId: group.employer_id,
      actor: null,
      action: "invoice.issue",
      objectType: "invoice",
      objectId: invoiceId,
      details: { period, lines: lines.length, amountDueCents: previousBalance - paid + adjusted + current },
    });
    return { invoiceId, issued: true };
  });
}

const LINE_COLUMNS = [
  "invoice_id",
  "member_id",
  "sort_name",
  "subscriber_name",
  "employee_number",
  "subgroup",
  "location",
  "status",
  "plan_code",
  "tier",
  "people",
  "regular_cents",
  "cobra_cents",
  "premium_cents",
] as const satisfies readonly (keyof Database["invoice_lines"])[];

/**
 * Lines go in as one JSON array per 20,000 rows, unpacked by SQLite's json_each: a 100,000-line invoice is
 * five statements instead of a quarter of a million bound parameters compiled by the query builder.
 */
async function insertLines(tx: Tx, lines: Database["invoice_lines"][]): Promise<void> {
  const columns = sql.join(LINE_COLUMNS.map((c) => sql.ref(c)));
  const values = sql.join(LINE_COLUMNS.map((_c, i) => sql`value ->> ${sql.lit(i)}`));
  for (const part of chunks(lines, 20_000)) {
    const json = JSON.stringify(part.map((l) => LINE_COLUMNS.map((c) => l[c])));
    await sql`INSERT INTO invoice_lines (${columns}) SELECT ${values} FROM json_each(${json})`.execute(tx);
  }
}

/** The group's billing account, created on first sight with its first cycle on or after `today`. */
async function ensureAccount(
  db: Db | Tx,
  group: { id: string; employer_id: string },
  today: string,
  now: Date,
) {
  await db
    .insertInto("billing_accounts")
    .values({
      group_id: group.id,
      employer_id: group.employer_id,
      next_cycle_date: cycleOnOrAfter(today),
      paper_billing: 1,
      email_billing: 0,
      email_to: "[]",
      updated_at: now.toISOString(),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * The scheduler's billing job: verifies pending amount-due requests, then issues every cycle that fell
 * due for every group, oldest first (a clock that jumped months issues each missed month in order).
 * Idempotent: run it twice and nothing more happens.
 */
export async function runBillingCycle(ctx: PortalContext, now: Date): Promise<string[]> {
  await verifyPendingRequests(ctx, now);
  const today = todayOf(now);
  const issued: string[] = [];
  const groups = await ctx.db.selectFrom("groups").select(["id", "employer_id"]).orderBy("id").execute();
  for (const group of groups) {
    await ensureAccount(ctx.db, group, today, now);
    for (;;) {
      const account = await ctx.db
        .selectFrom("billing_accounts")
        .select("next_cycle_date")
        .where("group_id", "=", group.id)
        .executeTakeFirstOrThrow();
      if (account.next_cycle_date > today) break;
      const { invoiceId, issued: fresh } = await issueInvoice(ctx, group.id, account.next_cycle_date);
      if (fresh) {
        issued.push(invoiceId);
        await deliverInvoice(ctx, invoiceId).catch(() => undefined);
      }
    }
  }
  return issued;
}

/**
 * Seeds the demo's one issued invoice: G1000001's for the latest cycle on or before today (idempotent).
 */
export async function seedDemoInvoice(ctx: PortalContext, groupId: string): Promise<void> {
  const now = ctx.clock.now();
  const today = todayOf(now);
  const group = await ctx.db
    .selectFrom("groups")
    .select(["id", "employer_id"])
    .where("id", "=", groupId)
    .executeTakeFirstOrThrow();
  const cycle = cycleOnOrBefore(today);
  await ctx.db
    .insertInto("billing_accounts")
    .values({
      group_id: group.id,
      employer_id: group.employer_id,
      next_cycle_date: cycle,
      paper_billing: 1,
      email_billing: 0,
      email_to: "[]",
      updated_at: now.toISOString(),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const any = await latestInvoice(ctx.db, groupId);
  if (any) return;
  await issueInvoice(ctx, groupId, cycle);
}

// ---------------------------------------------------------------- payments (posted by the payments issue)

/**
 * Applies money received to an invoice. A payment naming a closed invoice counts toward the group's
 * latest invoice (the closed one's balance already moved there). Negative amounts reverse (returns).
 */
export async function applyPayment(
  tx: Tx,
  invoiceId: string,
  amountCents: number,
  at: Date,
  source: string,
  reference: string | null = null,
): Promise<string> {
  const invoice = await tx
    .selectFrom("invoices")
    .selectAll()
    .where("id", "=", invoiceId)
    .executeTakeFirstOrThrow();
  const target = invoice.closed_at ? (await latestInvoice(tx, invoice.group_id))! : invoice;
  const id = newId("pap");
  await tx
    .insertInto("payments_applied")
    .values({
      id,
      invoice_id: target.id,
      amount_cents: amountCents,
      applied_at: at.toISOString(),
      source,
      reference,
    })
    .execute();
  return id;
}

// ---------------------------------------------------------------- reading

export function invoiceStatus(inv: InvoiceRow, paidCents: number, today: string): InvoiceStatus {
  if (paidCents >= inv.amount_due_cents) return "paid";
  if (inv.closed_at) return "closed";
  if (today > inv.due_date) return "past_due";
  return paidCents > 0 ? "partially_paid" : "open";
}

const placeOf = (inv: { employer_id: string; group_id: string }) => ({
  employerId: inv.employer_id,
  groupId: inv.group_id,
  locationId: null,
});

async function summaries(ctx: PortalContext, rows: InvoiceRow[]): Promise<InvoiceSummary[]> {
  if (!rows.length) return [];
  const today = todayOf(ctx.clock.now());
  const paid = await paidOn(
    ctx.db,
    rows.map((r) => r.id),
  );
  const groups = await ctx.db
    .selectFrom("groups")
    .select(["id", "group_number", "name"])
    .where("id", "in", [...new Set(rows.map((r) => r.group_id))])
    .execute();
  return rows.map((r) => {
    const g = groups.find((x) => x.id === r.group_id)!;
    const p = paid.get(r.id) ?? 0;
    return {
      id: r.id,
      number: r.number,
      groupNumber: g.group_number,
      groupName: g.name,
      period: r.period,
      issueDate: r.issue_date,
      dueDate: r.due_date,
      status: invoiceStatus(r, p, today),
      totals: {
        previousBalanceCents: r.previous_balance_cents,
        paymentsCents: r.payments_cents,
        adjustmentsCents: r.adjustments_cents,
        currentChargesCents: r.current_charges_cents,
        amountDueCents: r.amount_due_cents,
      },
      paidCents: p,
      balanceCents: r.amount_due_cents - p,
      lineCount: r.line_count,
      delivery: r.delivery.split(",") as InvoiceSummary["delivery"],
    };
  });
}

export async function listInvoices(
  ctx: PortalContext,
  principal: Principal,
  query: Out<typeof InvoiceListQuery>,
): Promise<{ invoices: InvoiceSummary[] }> {
  let q = ctx.db
    .selectFrom("invoices")
    .selectAll("invoices")
    .where("invoices.employer_id", "=", principal.employerId);
  if (query.group) {
    const group = await ctx.db
      .selectFrom("groups")
      .select("id")
      .where("employer_id", "=", principal.employerId)
      .where("group_number", "=", query.group)
      .executeTakeFirst();
    if (
      !group ||
      !inScope(principal, { employerId: principal.employerId, groupId: group.id, locationId: null })
    )
      throw notFound(`group ${query.group}`);
    q = q.where("invoices.group_id", "=", group.id);
  }
  const rows = (await q.orderBy("period", "desc").orderBy("number").execute()).filter((r) =>
    inScope(principal, placeOf(r)),
  );
  const all = await summaries(ctx, rows);
  return {
    invoices: all.filter((s) => !query.status || s.status === query.status).slice(0, query.limit),
  };
}

/** The invoice, or 404 when it does not exist, is another employer's or lies outside the caller's scope. */
async function loadInvoice(db: Db | Tx, principal: Principal, invoiceId: string): Promise<InvoiceRow> {
  const inv = await db.selectFrom("invoices").selectAll().where("id", "=", invoiceId).executeTakeFirst();
  if (!inv) throw notFound(`invoice ${invoiceId}`);
  requireInScope(principal, placeOf(inv), `invoice ${invoiceId}`);
  return inv;
}

function groupAdjustments(items: PendingItem[]): AdjustmentGroup[] {
  const groups = new Map<string, AdjustmentGroup>();
  for (const i of items) {
    const key = `${i.memberId}/${i.reason}`;
    const g = groups.get(key);
    if (g) {
      g.months.push(i.month);
      g.amountCents += i.amountCents;
    } else
      groups.set(key, {
        memberId: i.memberId,
        subscriberName: i.subscriberName,
        reason: i.reason,
        months: [i.month],
        amountCents: i.amountCents,
      });
  }
  return [...groups.values()].sort(
    (a, b) => a.subscriberName.localeCompare(b.subscriberName) || a.memberId.localeCompare(b.memberId),
  );
}

async function detailOf(ctx: PortalContext, inv: InvoiceRow): Promise<InvoiceDetail> {
  const [summary] = await summaries(ctx, [inv]);
  const employer = await ctx.db
    .selectFrom("employers")
    .select(["name", "policyholder_id"])
    .where("id", "=", inv.employer_id)
    .executeTakeFirstOrThrow();
  const adjustments = await ctx.db
    .selectFrom("invoice_adjustments")
    .innerJoin("members", "members.id", "invoice_adjustments.member_id")
    .select([
      "invoice_adjustments.member_id",
      "invoice_adjustments.coverage_month",
      "invoice_adjustments.amount_cents",
      "invoice_adjustments.reason",
      "members.sort_name",
    ])
    .where("invoice_adjustments.invoice_id", "=", inv.id)
    .orderBy("invoice_adjustments.coverage_month")
    .execute();
  const names = await subscriberNames(ctx.db, [...new Set(adjustments.map((a) => a.member_id))]);
  const pending = inv.closed_at ? [] : await pendingAdjustments(ctx.db, inv, inv.period);
  const [requests, payments] = await Promise.all([
    ctx.db
      .selectFrom("amount_due_requests")
      .selectAll()
      .where("invoice_id", "=", inv.id)
      .orderBy("created_at")
      .execute(),
    ctx.db
      .selectFrom("payments_applied")
      .selectAll()
      .where("invoice_id", "=", inv.id)
      .orderBy("applied_at")
      .execute(),
  ]);
  return {
    ...summary!,
    employerName: employer.name,
    policyholderId: employer.policyholder_id,
    adjustments: groupAdjustments(
      adjustments.map((a) => ({
        memberId: a.member_id,
        subscriberName: names.get(a.member_id) ?? a.sort_name,
        month: a.coverage_month,
        amountCents: a.amount_cents,
        reason: a.reason,
      })),
    ),
    pendingAdjustments: groupAdjustments(pending),
    amountDueRequests: requests.map(requestView),
    payments: payments.map((p) => ({
      id: p.id,
      amountCents: p.amount_cents,
      appliedAt: p.applied_at,
      source: p.source,
      reference: p.reference,
    })),
  };
}

async function subscriberNames(db: Db | Tx, memberIds: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const ids of chunks(memberIds)) {
    const rows = await db
      .selectFrom("people")
      .select(["member_id", "first_name", "last_name"])
      .where("relationship", "=", "subscriber")
      .where("member_id", "in", ids)
      .execute();
    for (const r of rows) names.set(r.member_id, `${r.last_name}, ${r.first_name}`);
  }
  return names;
}

function requestView(r: Database["amount_due_requests"]): AmountDueRequestView {
  return {
    id: r.id,
    invoiceId: r.invoice_id,
    memberId: r.member_id,
    amountCents: r.amount_cents,
    reason: r.reason,
    status: r.status,
    verification: r.verification,
    createdAt: r.created_at,
    verifiedAt: r.verified_at,
  };
}

export async function getInvoice(
  ctx: PortalContext,
  principal: Principal,
  invoiceId: string,
): Promise<InvoiceDetail> {
  return detailOf(ctx, await loadInvoice(ctx.db, principal, invoiceId));
}

/** The latest invoice of a group (the only group the caller sees when none is named). */
export async function currentInvoice(
  ctx: PortalContext,
  principal: Principal,
  groupNumber: string | undefined,
): Promise<InvoiceDetail> {
  const groups = (
    await ctx.db
      .selectFrom("groups")
      .select(["id", "group_number", "employer_id"])
      .where("employer_id", "=", principal.employerId)
      .orderBy("group_number")
      .execute()
  ).filter((g) => inScope(principal, { employerId: g.employer_id, groupId: g.id, locationId: null }));
  let group;
  if (groupNumber) {
    group = groups.find((g) => g.group_number === groupNumber);
    if (!group) throw notFound(`group ${groupNumber}`);
  } else if (groups.length === 1) group = groups[0]!;
  else if (!groups.length) throw notFound("a group you may see");
  else
    throw unprocessable(
      "group",
      `is required: you see several groups (${groups.map((g) => g.group_number).join(", ")})`,
    );
  const inv = await latestInvoice(ctx.db, group.id);
  if (!inv)
    throw notFound(`an invoice of group ${group.group_number} (the first is issued on the next 15th)`);
  return detailOf(ctx, inv);
}

const encodeCursor = (sortName: string, memberId: string) =>
  Buffer.from(JSON.stringify([sortName, memberId])).toString("base64url");
function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "string"))
      return v as [string, string];
  } catch {
    // fall through
  }
  throw unprocessable("cursor", "is not a cursor this portal gave out; start again without it");
}

export function lineOf(l: Database["invoice_lines"]): InvoiceLine {
  return {
    memberId: l.member_id,
    employeeNumber: l.employee_number,
    subscriberName: l.subscriber_name,
    subgroup: l.subgroup,
    location: l.location,
    status: l.status as InvoiceLine["status"],
    planCode: l.plan_code,
    tier: l.tier,
    people: JSON.parse(l.people) as InvoiceLine["people"],
    regularCents: l.regular_cents,
    cobraCents: l.cobra_cents,
    premiumCents: l.premium_cents,
  };
}

export async function invoiceLines(
  ctx: PortalContext,
  principal: Principal,
  invoiceId: string,
  query: Out<typeof InvoiceLinesQuery>,
): Promise<{ lines: InvoiceLine[]; nextCursor: string | null }> {
  const inv = await loadInvoice(ctx.db, principal, invoiceId);
  return linesPage(ctx.db, inv.id, query);
}

export async function linesPage(
  db: Db | Tx,
  invoiceId: string,
  query: Out<typeof InvoiceLinesQuery>,
): Promise<{ lines: InvoiceLine[]; nextCursor: string | null }> {
  let q = db.selectFrom("invoice_lines").selectAll().where("invoice_id", "=", invoiceId);
  if (query.member) q = q.where("member_id", "=", query.member);
  if (query.status) q = q.where("status", "=", query.status);
  if (query.subgroup) q = q.where("subgroup", "=", query.subgroup);
  if (query.cursor) {
    const [name, id] = decodeCursor(query.cursor);
    q = q.where((eb) =>
      eb.or([eb("sort_name", ">", name), eb.and([eb("sort_name", "=", name), eb("member_id", ">", id)])]),
    );
  }
  const rows = await q
    .orderBy("sort_name")
    .orderBy("member_id")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    lines: page.map(lineOf),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.sort_name, last.member_id) : null,
  };
}

// ---------------------------------------------------------------- roster adjustments

/** Roster adjustments go on the group's latest invoice while it is not paid. */
async function adjustableInvoice(db: Db | Tx, principal: Principal, invoiceId: string): Promise<InvoiceRow> {
  const inv = await loadInvoice(db, principal, invoiceId);
  if (inv.closed_at)
    throw new AppError(
      409,
      "invoice_closed",
      `invoice ${inv.number} is closed (the next invoice was issued); adjust the group's current invoice instead`,
    );
  const paid = (await paidOn(db, [inv.id])).get(inv.id) ?? 0;
  if (paid >= inv.amount_due_cents)
    throw new AppError(
      409,
      "invoice_paid",
      `invoice ${inv.number} is paid; later roster changes are ordinary enrollment changes (they show up on the next invoice)`,
    );
  return inv;
}

function pendingResponse(
  inv: InvoiceRow,
  items: PendingItem[],
  extra: { dryRun: boolean; memberId: string | null },
) {
  return {
    invoiceId: inv.id,
    dryRun: extra.dryRun,
    memberId: extra.memberId,
    pendingAdjustments: items.map((i) => ({ month: i.month, amountCents: i.amountCents, reason: i.reason })),
    pendingTotalCents: items.reduce((s, i) => s + i.amountCents, 0),
  };
}

export async function adjustTerminate(
  ctx: PortalContext,
  principal: Principal,
  invoiceId: string,
  input: Out<typeof AdjustTerminateRequest>,
): Promise<Out<typeof AdjustResponse>> {
  const inv = await adjustableInvoice(ctx.db, principal, invoiceId);
  const member = await ctx.db
    .selectFrom("members")
    .select(["group_id", "employer_id", "location_id"])
    .where("id", "=", input.memberId)
    .executeTakeFirst();
  if (
    !member ||
    !inScope(principal, {
      employerId: member.employer_id,
      groupId: member.group_id,
      locationId: member.location_id,
    })
  )
    throw notFound(`member ${input.memberId}`);
  if (member.group_id !== inv.group_id)
    throw unprocessable("memberId", `is not in the invoice's group; adjust that group's invoice instead`);
  const cancel = { version: input.version, terminationDate: input.terminationDate, reason: input.reason };
  if (input.dryRun) {
    const preview = await previewCancel(ctx, principal, input.memberId, cancel);
    // What-if: the roster with everyone covered ending on the termination date.
    const [m] = await loadRoster(ctx.db, inv.group_id, [input.memberId]);
    const ended = new Set(preview.people.map((p) => p.personId));
    const whatIf: RosterMember = {
      ...m!,
      terminationDate: input.terminationDate,
      people: m!.people.map((p) => (ended.has(p.id) ? { ...p, coverageEnd: input.terminationDate } : p)),
    };
    const items = await pendingAdjustments(ctx.db, inv, inv.period, { roster: [whatIf] });
    return {
      ...pendingResponse(inv, items, { dryRun: true, memberId: input.memberId }),
      cancel: preview,
      member: null,
    };
  }
  const result = await cancelMember(ctx, principal, input.memberId, cancel);
  const items = await pendingAdjustments(ctx.db, inv, inv.period, { memberIds: [input.memberId] });
  return {
    ...pendingResponse(inv, items, { dryRun: false, memberId: input.memberId }),
    cancel: result.ended,
    member: result.member,
  };
}

export async function adjustAdd(
  ctx: PortalContext,
  principal: Principal,
  invoiceId: string,
  input: Out<typeof AdjustAddRequest>,
): Promise<Out<typeof AdjustResponse>> {
  const inv = await adjustableInvoice(ctx.db, principal, invoiceId);
  const group = await ctx.db
    .selectFrom("groups")
    .select("group_number")
    .where("id", "=", inv.group_id)
    .executeTakeFirstOrThrow();
  if (input.enrollment.groupNumber !== group.group_number)
    throw unprocessable(
      "enrollment.groupNumber",
      `must be the invoice's group ${group.group_number} (got ${input.enrollment.groupNumber})`,
    );
  if (input.dryRun) {
    const e = input.enrollment;
    // What-if: the new member as enrolled, charged from the effective date. The enrollment rules are checked
    // when the change is made.
    const people = [
      { ...e.subscriber, relationship: "subscriber" },
      ...e.dependents.map((d) => ({ ...d })),
    ].map((p, i) => ({
      id: `new_${i}`,
      name: `${p.firstName} ${p.lastName}`,
      relationship: p.relationship,
      status: "active",
      coverageStart: e.effectiveDate,
      coverageEnd: null,
      cobraId: null,
    }));
    const whatIf: RosterMember = {
      id: "mbr_new",
      subscriberName: `${e.subscriber.lastName}, ${e.subscriber.firstName}`,
      sortName: "",
      employeeNumber: e.employeeNumber,
      subgroup: e.subgroup ?? null,
      location: e.location,
      status: "active",
      planCode: e.plan,
      planChanges: [],
      terminationDate: null,
      people,
      cobra: [],
    };
    const items = await pendingAdjustments(ctx.db, inv, inv.period, { roster: [whatIf] });
    return { ...pendingResponse(inv, items, { dryRun: true, memberId: null }), cancel: null, member: null };
  }
  const member = await enroll(ctx, principal, input.enrollment);
  const items = await pendingAdjustments(ctx.db, inv, inv.period, { memberIds: [member.id] });
  return { ...pendingResponse(inv, items, { dryRun: false, memberId: member.id }), cancel: null, member };
}

// ---------------------------------------------------------------- amount-due requests

export async function requestAmountDue(
  ctx: PortalContext,
  principal: Principal,
  invoiceId: string,
  input: Out<typeof AmountDueRequestCreate>,
): Promise<AmountDueRequestView> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const inv = await loadInvoice(tx, principal, invoiceId);
    const paid = (await paidOn(tx, [inv.id])).get(inv.id) ?? 0;
    const status = invoiceStatus(inv, paid, todayOf(now));
    if (status === "closed" || status === "paid")
      throw new AppError(
        409,
        `invoice_${status}`,
        `invoice ${inv.number} is ${status}; amount-due requests are for the group's current, unpaid invoice`,
      );
    let current = inv.amount_due_cents;
    if (input.memberId) {
      const member = await tx
        .selectFrom("members")
        .select("group_id")
        .where("id", "=", input.memberId)
        .executeTakeFirst();
      if (!member || member.group_id !== inv.group_id)
        throw unprocessable("memberId", `is not a member of the invoice's group`);
      current = await lineAmount(tx, inv.id, input.memberId);
    }
    if (input.amountCents === current)
      throw unprocessable(
        "amountCents",
        `is already the amount due${input.memberId ? " for that line" : ""} (${formatUsd(current)})`,
      );
    const open = await tx
      .selectFrom("amount_due_requests")
      .select("id")
      .where("invoice_id", "=", inv.id)
      .where("status", "=", "pending_verification")
      .where((eb) => (input.memberId ? eb("member_id", "=", input.memberId) : eb("member_id", "is", null)))
      .executeTakeFirst();
    if (open)
      throw new AppError(
        409,
        "conflict",
        `request ${open.id} for the same ${input.memberId ? "line" : "invoice"} is still pending verification`,
      );
    const row: Database["amount_due_requests"] = {
      id: newId("adr"),
      invoice_id: inv.id,
      member_id: input.memberId ?? null,
      amount_cents: input.amountCents,
      reason: input.reason,
      status: "pending_verification",
      verification: null,
      requested_by: principal.userId,
      created_at: now.toISOString(),
      verified_at: null,
    };
    await tx.insertInto("amount_due_requests").values(row).execute();
    await audit(tx, now, {
      employerId: inv.employer_id,
      actor: principal,
      action: "invoice.amount_due.request",
      objectType: "invoice",
      objectId: inv.id,
      details: { requestId: row.id, amountCents: row.amount_cents, memberId: row.member_id },
    });
    return requestView(row);
  });
}

/** A line's amount on the invoice: its premium plus the adjustments for that member on the invoice. */
async function lineAmount(db: Db | Tx, invoiceId: string, memberId: string): Promise<number> {
  const line = await db
    .selectFrom("invoice_lines")
    .select("premium_cents")
    .where("invoice_id", "=", invoiceId)
    .where("member_id", "=", memberId)
    .executeTakeFirst();
  const adj = await db
    .selectFrom("invoice_adjustments")
    .select((eb) => eb.fn.sum<number>("amount_cents").as("cents"))
    .where("invoice_id", "=", invoiceId)
    .where("member_id", "=", memberId)
    .executeTakeFirst();
  return (line?.premium_cents ?? 0) + Number(adj?.cents ?? 0);
}

/**
 * Verification (run by the billing job, so within a minute, or at once when the sandbox clock moves): a
 * request is accepted when the roster explains it exactly: the proposed amount equals the amount due (or
 * the line's amount) plus the adjustments that enrollment changes made since the invoice was issued. Those
 * adjustments are then posted on this invoice (not the next), and its amount due becomes the accepted amount.
 */
export async function verifyPendingRequests(ctx: PortalContext, now: Date): Promise<void> {
  const pending = await ctx.db
    .selectFrom("amount_due_requests")
    .select("id")
    .where("status", "=", "pending_verification")
    .orderBy("created_at")
    .execute();
  for (const { id } of pending) {
    await ctx.db.transaction().execute(async (tx) => {
      const req = await tx
        .selectFrom("amount_due_requests")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      if (req.status !== "pending_verification") return;
      const inv = await tx
        .selectFrom("invoices")
        .selectAll()
        .where("id", "=", req.invoice_id)
        .executeTakeFirstOrThrow();
      const decide = async (status: "accepted" | "rejected", verification: string) => {
        await tx
          .updateTable("amount_due_requests")
          .set({ status, verification, verified_at: now.toISOString() })
          .where("id", "=", id)
          .execute();
        await audit(tx, now, {
          employerId: inv.employer_id,
          actor: null,
          action: `invoice.amount_due.${status}`,
          objectType: "invoice",
          objectId: inv.id,
          details: { requestId: id },
        });
      };
      if (inv.closed_at)
        return decide("rejected", "the invoice was closed by the next invoice before it could be verified");
      const items = await pendingAdjustments(
        tx,
        inv,
        inv.period,
        req.member_id ? { memberIds: [req.member_id] } : {},
      );
      const pendingCents = items.reduce((s, i) => s + i.amountCents, 0);
      const base = req.member_id ? await lineAmount(tx, inv.id, req.member_id) : inv.amount_due_cents;
      const explained = base + pendingCents;
      const what = req.member_id ? `the line of ${req.member_id}` : "the invoice";
      if (!items.length)
        return decide(
          "rejected",
          `no enrollment change since the invoice was issued explains a different amount for ${what}: the roster still says ${formatUsd(base)}`,
        );
      if (req.amount_cents !== explained)
        return decide(
          "rejected",
          `the roster explains ${formatUsd(explained)} for ${what} (${formatUsd(base)} billed ${pendingCents < 0 ? "−" : "+"} ${formatUsd(Math.abs(pendingCents))} of enrollment changes), not ${formatUsd(req.amount_cents)}`,
        );
      for (const part of chunks(items, INSERT_CHUNK))
        await tx
          .insertInto("invoice_adjustments")
          .values(
            part.map((a) => ({
              invoice_id: inv.id,
              member_id: a.memberId,
              coverage_month: a.month,
              amount_cents: a.amountCents,
              reason: a.reason,
              request_id: id,
            })),
          )
          .execute();
      await tx
        .updateTable("invoices")
        .set({
          adjustments_cents: inv.adjustments_cents + pendingCents,
          amount_due_cents: inv.amount_due_cents + pendingCents,
        })
        .where("id", "=", inv.id)
        .execute();
      return decide(
        "accepted",
        `explained by enrollment changes since the invoice was issued (${pendingCents < 0 ? "−" : "+"}${formatUsd(Math.abs(pendingCents))}); the adjustments were posted on this invoice`,
      );
    });
  }
}

// ---------------------------------------------------------------- preferences

async function accountFor(ctx: PortalContext, principal: Principal, groupNumber: string) {
  const group = await ctx.db
    .selectFrom("groups")
    .select(["id", "employer_id", "group_number"])
    .where("group_number", "=", groupNumber)
    .where("employer_id", "=", principal.employerId)
    .executeTakeFirst();
  if (!group || !inScope(principal, { employerId: group.employer_id, groupId: group.id, locationId: null }))
    throw notFound(`group ${groupNumber}`);
  const now = ctx.clock.now();
  await ensureAccount(ctx.db, group, todayOf(now), now);
  const acct = await ctx.db
    .selectFrom("billing_accounts")
    .selectAll()
    .where("group_id", "=", group.id)
    .executeTakeFirstOrThrow();
  return { group, acct };
}

const preferencesOf = (groupNumber: string, a: Database["billing_accounts"]) => ({
  groupNumber,
  paperBilling: a.paper_billing === 1,
  emailBilling: a.email_billing === 1,
  emailTo: JSON.parse(a.email_to) as string[],
});

export async function showPreferences(ctx: PortalContext, principal: Principal, groupNumber: string) {
  const { group, acct } = await accountFor(ctx, principal, groupNumber);
  return preferencesOf(group.group_number, acct);
}

export async function updatePreferences(
  ctx: PortalContext,
  principal: Principal,
  groupNumber: string,
  input: Out<typeof BillingPreferencesUpdate>,
) {
  requireFeature(principal, "billing.manage");
  const { group, acct } = await accountFor(ctx, principal, groupNumber);
  const next = { ...preferencesOf(group.group_number, acct), ...input };
  if (input.emailTo) next.emailTo = [...new Set(input.emailTo)];
  if (next.emailBilling && !next.emailTo.length)
    throw unprocessable("emailTo", "needs at least one address when e-mailed bills are on");
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable("billing_accounts")
      .set({
        paper_billing: Number(next.paperBilling),
        email_billing: Number(next.emailBilling),
        email_to: JSON.stringify(next.emailTo),
        updated_at: now.toISOString(),
      })
      .where("group_id", "=", group.id)
      .execute();
    await audit(tx, now, {
      employerId: group.employer_id,
      actor: principal,
      action: "billing.preferences.update",
      objectType: "group",
      objectId: group.id,
      details: {
        paperBilling: next.paperBilling,
        emailBilling: next.emailBilling,
        recipients: next.emailTo.length,
      },
    });
  });
  return next;
}

// ---------------------------------------------------------------- delivery

/** Every line of an invoice, a page at a time (for the PDF the portal e-mails). */
export async function* allLines(db: Db | Tx, invoiceId: string): AsyncGenerator<InvoiceLine> {
  let cursor: string | undefined;
  do {
    const page = await linesPage(db, invoiceId, { limit: 1000, ...(cursor ? { cursor } : {}) });
    yield* page.lines;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/**
 * After an invoice is issued: e-mails it with the PDF to the group's billing recipients when e-mailed bills
 * are on, and a notice to each user who may see it and wants "bill available" e-mails.
 */
export async function deliverInvoice(ctx: PortalContext, invoiceId: string): Promise<void> {
  const inv = await ctx.db
    .selectFrom("invoices")
    .selectAll()
    .where("id", "=", invoiceId)
    .executeTakeFirstOrThrow();
  const detail = await detailOf(ctx, inv);
  const summary = `Invoice ${detail.number} for ${detail.groupNumber} (${detail.period}): amount due ${formatUsd(detail.totals.amountDueCents)}, due ${detail.dueDate}.`;
  const acct = await ctx.db
    .selectFrom("billing_accounts")
    .selectAll()
    .where("group_id", "=", inv.group_id)
    .executeTakeFirst();
  const recipients: string[] = acct?.email_billing ? JSON.parse(acct.email_to) : [];
  if (recipients.length) {
    const { renderBillPdf } = await import("../../shared/bill-pdf.js");
    const pdf = await renderBillPdf(detail, allLines(ctx.db, inv.id));
    for (const to of recipients)
      await ctx.mailer.send({
        to,
        subject: `Your premium bill ${detail.number}`,
        text: `${summary}\n\nThe bill is attached as a PDF. See it any time with \`hnctl bill view ${detail.id}\`.`,
        attachments: [{ filename: `${detail.number}.pdf`, content: pdf, contentType: "application/pdf" }],
      });
  }
  for (const u of await billingRecipients(
    ctx.db,
    inv.employer_id,
    inv.group_id,
    ["billing.view"],
    "billAvailable",
  )) {
    await ctx.mailer.send({
      to: u.email,
      subject: `Bill available: ${detail.number}`,
      text: `${summary}\n\nSee it with \`hnctl bill view ${detail.id}\` (or \`hnctl bill view --current\`).`,
    });
  }
}
