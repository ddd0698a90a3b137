import type { z } from "zod";
import { formatUsd } from "../../contract/money.js";
import {
  ACH_RETURN_CODES,
  type Allocation,
  type Payment,
  type PaymentCreate,
  type PaymentListQuery,
  type PaymentMethod,
  type PaymentMethodCreate,
  type PaymentMethodListQuery,
  type Schedule,
  type ScheduleCreate,
  type ScheduleListQuery,
  type ScheduleUpdate,
} from "../../contract/payments.js";
import type { PortalContext } from "../context.js";
import type { Database, Db, Tx } from "../db/index.js";
import { AppError, notFound, Problems, unprocessable } from "../errors.js";
import { newId } from "../ids.js";
import { inScope, requireFeature, type Principal } from "./access.js";
import { audit } from "./audit.js";
import { applyPayment } from "./billing.js";
import { addDays, addMonths, todayOf } from "./dates.js";
import { idempotent } from "./idempotency.js";
import { billingRecipients } from "./users.js";

type Out<T extends z.ZodType> = z.output<T>;
type MethodRow = Database["payment_methods"];
type PaymentRow = Database["payments"];
type ScheduleRow = Database["payment_schedules"];

/*
 * Payments (README, "Portal rules: payments"):
 * - bank accounts belong to a group (the group whose bills they pay); nicknames are unique per group;
 *   account numbers are encrypted (AES-256-GCM) with an HMAC for duplicate checks; only the last 4 are shown;
 * - a payment is one ACH debit from one account; a split payment is several sharing a batch;
 * - scheduled → processing on its pay date (the scheduler) → settled the next business day (posted to
 *   billing's ledger through applyPayment) or returned with an ACH code; cancelled only while scheduled;
 * - in the sandbox, account numbers ending in 9901/9902/9903/9904/9916/9929 are returned with R01/R02/R03/
 *   R04/R16/R29 at settlement.
 */

export const SANDBOX_RETURNS: Record<string, keyof typeof ACH_RETURN_CODES> = {
  "9901": "R01",
  "9902": "R02",
  "9903": "R03",
  "9904": "R04",
  "9916": "R16",
  "9929": "R29",
};

export const maskAccount = (last4: string) => `••••${last4}`;

// ---------------------------------------------------------------- groups and scope

interface GroupRow {
  id: string;
  employer_id: string;
  group_number: string;
}

const placeOfGroup = (groupId: string, employerId: string) => ({ employerId, groupId, locationId: null });

async function visibleGroups(db: Db | Tx, principal: Principal): Promise<GroupRow[]> {
  const rows = await db
    .selectFrom("groups")
    .select(["id", "employer_id", "group_number"])
    .where("employer_id", "=", principal.employerId)
    .orderBy("group_number")
    .execute();
  return rows.filter((g) => inScope(principal, placeOfGroup(g.id, g.employer_id)));
}

/** The named group (404 outside the caller's scope), or the only group the caller sees. */
async function resolveGroup(db: Db | Tx, principal: Principal, groupNumber?: string): Promise<GroupRow> {
  const groups = await visibleGroups(db, principal);
  if (groupNumber) {
    const g = groups.find((x) => x.group_number === groupNumber);
    if (!g) throw notFound(`group ${groupNumber}`);
    return g;
  }
  if (groups.length === 1) return groups[0]!;
  if (!groups.length) throw notFound("a group you may see");
  throw unprocessable(
    "group",
    `is required: you see several groups (${groups.map((g) => g.group_number).join(", ")})`,
  );
}

// ---------------------------------------------------------------- payment methods

function methodView(m: MethodRow, groupNumber: string): PaymentMethod {
  return {
    id: m.id,
    groupNumber,
    nickname: m.nickname,
    routingNumber: m.routing_number,
    accountMasked: maskAccount(m.account_last4),
    type: m.type,
    createdAt: m.created_at,
  };
}

async function groupNumbers(db: Db | Tx, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom("groups")
    .select(["id", "group_number"])
    .where("id", "in", [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.group_number]));
}

export async function listMethods(
  ctx: PortalContext,
  principal: Principal,
  query: Out<typeof PaymentMethodListQuery>,
): Promise<{ paymentMethods: PaymentMethod[] }> {
  const groups = query.group
    ? [await resolveGroup(ctx.db, principal, query.group)]
    : await visibleGroups(ctx.db, principal);
  if (!groups.length) return { paymentMethods: [] };
  const rows = await ctx.db
    .selectFrom("payment_methods")
    .selectAll()
    .where(
      "group_id",
      "in",
      groups.map((g) => g.id),
    )
    .where("removed_at", "is", null)
    .orderBy("nickname")
    .execute();
  const numbers = new Map(groups.map((g) => [g.id, g.group_number]));
  return { paymentMethods: rows.map((r) => methodView(r, numbers.get(r.group_id)!)) };
}

async function loadMethod(db: Db | Tx, principal: Principal, methodId: string): Promise<MethodRow> {
  const m = await db
    .selectFrom("payment_methods")
    .selectAll()
    .where("id", "=", methodId)
    .where("removed_at", "is", null)
    .executeTakeFirst();
  if (!m || !inScope(principal, placeOfGroup(m.group_id, m.employer_id)))
    throw notFound(`payment method ${methodId}`);
  return m;
}

async function nicknameTaken(db: Db | Tx, groupId: string, nickname: string, exceptId?: string) {
  let q = db
    .selectFrom("payment_methods")
    .select(["id"])
    .where("group_id", "=", groupId)
    .where("removed_at", "is", null)
    .where((eb) => eb(eb.fn("lower", ["nickname"]), "=", nickname.toLowerCase()));
  if (exceptId) q = q.where("id", "!=", exceptId);
  return Boolean(await q.executeTakeFirst());
}

export async function addMethod(
  ctx: PortalContext,
  principal: Principal,
  input: Out<typeof PaymentMethodCreate>,
): Promise<PaymentMethod> {
  requireFeature(principal, "billing.manage");
  const group = await resolveGroup(ctx.db, principal, input.group);
  const hmac = ctx.pii.lookupHash(`ach:${input.routingNumber}:${input.accountNumber}`);
  return ctx.db.transaction().execute(async (tx) => {
    if (await nicknameTaken(tx, group.id, input.nickname))
      throw new AppError(
        409,
        "nickname_taken",
        `nickname ${input.nickname} is taken in group ${group.group_number}; choose another or rename the existing account`,
        [{ path: "nickname", message: "is taken" }],
      );
    const dup = await tx
      .selectFrom("payment_methods")
      .select(["nickname"])
      .where("group_id", "=", group.id)
      .where("account_hmac", "=", hmac)
      .where("removed_at", "is", null)
      .executeTakeFirst();
    if (dup)
      throw new AppError(
        409,
        "duplicate_account",
        `this bank account is already on file for group ${group.group_number} as ${dup.nickname}`,
        [{ path: "accountNumber", message: `is already on file as ${dup.nickname}` }],
      );
    const now = ctx.clock.now().toISOString();
    const row: MethodRow = {
      id: newId("pm"),
      employer_id: group.employer_id,
      group_id: group.id,
      nickname: input.nickname,
      routing_number: input.routingNumber,
      account_encrypted: ctx.pii.encrypt(input.accountNumber),
      account_hmac: hmac,
      account_last4: input.accountNumber.slice(-4),
      type: input.type,
      created_by: principal.userId,
      created_at: now,
      removed_at: null,
    };
    await tx.insertInto("payment_methods").values(row).execute();
    await audit(tx, ctx.clock.now(), {
      employerId: principal.employerId,
      actor: principal,
      action: "payment_method.added",
      objectType: "payment_method",
      objectId: row.id,
      details: {
        group: group.group_number,
        nickname: row.nickname,
        account: maskAccount(row.account_last4),
        type: row.type,
      },
    });
    return methodView(row, group.group_number);
  });
}

export async function renameMethod(
  ctx: PortalContext,
  principal: Principal,
  methodId: string,
  input: { nickname: string },
): Promise<PaymentMethod> {
  requireFeature(principal, "billing.manage");
  return ctx.db.transaction().execute(async (tx) => {
    const m = await loadMethod(tx, principal, methodId);
    if (await nicknameTaken(tx, m.group_id, input.nickname, m.id))
      throw new AppError(409, "nickname_taken", `nickname ${input.nickname} is taken in this group`, [
        { path: "nickname", message: "is taken" },
      ]);
    await tx
      .updateTable("payment_methods")
      .set({ nickname: input.nickname })
      .where("id", "=", m.id)
      .execute();
    await audit(tx, ctx.clock.now(), {
      employerId: principal.employerId,
      actor: principal,
      action: "payment_method.renamed",
      objectType: "payment_method",
      objectId: m.id,
      details: { from: m.nickname, to: input.nickname },
    });
    const numbers = await groupNumbers(tx, [m.group_id]);
    return methodView({ ...m, nickname: input.nickname }, numbers.get(m.group_id)!);
  });
}

export async function removeMethod(ctx: PortalContext, principal: Principal, methodId: string) {
  requireFeature(principal, "billing.manage");
  return ctx.db.transaction().execute(async (tx) => {
    const m = await loadMethod(tx, principal, methodId);
    const scheduled = await tx
      .selectFrom("payments")
      .select(["id", "pay_date", "amount_cents"])
      .where("method_id", "=", m.id)
      .where("status", "=", "scheduled")
      .orderBy("pay_date")
      .execute();
    const schedules = (
      await tx
        .selectFrom("payment_schedules")
        .select(["id", "allocations", "day_of_month"])
        .where("group_id", "=", m.group_id)
        .where("status", "in", ["active", "paused"])
        .execute()
    ).filter((s) => parseAllocations(s.allocations).some((a) => a.methodId === m.id));
    if (scheduled.length || schedules.length) {
      const uses = [
        ...scheduled.map((p) => `scheduled payment ${p.id} (${formatUsd(p.amount_cents)} on ${p.pay_date})`),
        ...schedules.map((s) => `recurring schedule ${s.id} (day ${s.day_of_month})`),
      ];
      throw new AppError(
        409,
        "payment_method_in_use",
        `${m.nickname} is used by ${uses.join(", ")}; cancel ${uses.length > 1 ? "them" : "it"} first`,
      );
    }
    await tx
      .updateTable("payment_methods")
      .set({ removed_at: ctx.clock.now().toISOString() })
      .where("id", "=", m.id)
      .execute();
    await audit(tx, ctx.clock.now(), {
      employerId: principal.employerId,
      actor: principal,
      action: "payment_method.removed",
      objectType: "payment_method",
      objectId: m.id,
      details: { nickname: m.nickname, account: maskAccount(m.account_last4) },
    });
    return { id: m.id, nickname: m.nickname, removed: true as const };
  });
}

// ---------------------------------------------------------------- payments: reading

async function paymentViews(db: Db | Tx, rows: PaymentRow[]): Promise<Payment[]> {
  if (!rows.length) return [];
  const [methods, invoices, numbers] = await Promise.all([
    db
      .selectFrom("payment_methods")
      .selectAll()
      .where("id", "in", [...new Set(rows.map((r) => r.method_id))])
      .execute(),
    db
      .selectFrom("invoices")
      .select(["id", "number"])
      .where("id", "in", [...new Set(rows.map((r) => r.invoice_id))])
      .execute(),
    groupNumbers(
      db,
      rows.map((r) => r.group_id),
    ),
  ]);
  return rows.map((r) => {
    const m = methods.find((x) => x.id === r.method_id)!;
    const code = r.return_code as keyof typeof ACH_RETURN_CODES | null;
    return {
      id: r.id,
      batchId: r.batch_id,
      invoiceId: r.invoice_id,
      invoiceNumber: invoices.find((i) => i.id === r.invoice_id)!.number,
      groupNumber: numbers.get(r.group_id)!,
      method: { id: m.id, nickname: m.nickname, accountMasked: maskAccount(m.account_last4), type: m.type },
      amountCents: r.amount_cents,
      payDate: r.pay_date,
      status: r.status,
      settleDate: r.settle_date,
      returnCode: code,
      returnReason: code ? (ACH_RETURN_CODES[code] ?? null) : null,
      scheduleId: r.schedule_id,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  });
}

export async function listPayments(
  ctx: PortalContext,
  principal: Principal,
  query: Out<typeof PaymentListQuery>,
): Promise<{ payments: Payment[] }> {
  const groups = query.group
    ? [await resolveGroup(ctx.db, principal, query.group)]
    : await visibleGroups(ctx.db, principal);
  if (!groups.length) return { payments: [] };
  let q = ctx.db
    .selectFrom("payments")
    .selectAll()
    .where(
      "group_id",
      "in",
      groups.map((g) => g.id),
    );
  if (query.status) q = q.where("status", "=", query.status);
  if (query.invoice) q = q.where("invoice_id", "=", query.invoice);
  const rows = await q.orderBy("created_at", "desc").orderBy("id").limit(query.limit).execute();
  return { payments: await paymentViews(ctx.db, rows) };
}

async function loadPayment(db: Db | Tx, principal: Principal, paymentId: string): Promise<PaymentRow> {
  const p = await db.selectFrom("payments").selectAll().where("id", "=", paymentId).executeTakeFirst();
  if (!p || !inScope(principal, placeOfGroup(p.group_id, p.employer_id)))
    throw notFound(`payment ${paymentId}`);
  return p;
}

export async function getPayment(ctx: PortalContext, principal: Principal, paymentId: string) {
  return (await paymentViews(ctx.db, [await loadPayment(ctx.db, principal, paymentId)]))[0]!;
}

export async function cancelPayment(ctx: PortalContext, principal: Principal, paymentId: string) {
  requireFeature(principal, "billing.pay");
  return ctx.db.transaction().execute(async (tx) => {
    const p = await loadPayment(tx, principal, paymentId);
    if (p.status !== "scheduled")
      throw new AppError(
        409,
        "payment_not_cancellable",
        `payment ${p.id} is ${p.status}; only scheduled payments can be cancelled`,
      );
    const now = ctx.clock.now().toISOString();
    await tx
      .updateTable("payments")
      .set({ status: "cancelled", updated_at: now })
      .where("id", "=", p.id)
      .execute();
    await audit(tx, ctx.clock.now(), {
      employerId: principal.employerId,
      actor: principal,
      action: "payment.cancelled",
      objectType: "payment",
      objectId: p.id,
      details: { amountCents: p.amount_cents, invoiceId: p.invoice_id },
    });
    return (await paymentViews(tx, [{ ...p, status: "cancelled", updated_at: now }]))[0]!;
  });
}

// ---------------------------------------------------------------- payments: making them

/** What is still to pay on an invoice: its balance minus payments scheduled or processing against it. */
async function invoiceRoom(tx: Db | Tx, invoiceId: string, amountDueCents: number) {
  const paid = await tx
    .selectFrom("payments_applied")
    .select((eb) => eb.fn.sum<number>("amount_cents").as("cents"))
    .where("invoice_id", "=", invoiceId)
    .executeTakeFirst();
  const inflight = await tx
    .selectFrom("payments")
    .select((eb) => eb.fn.sum<number>("amount_cents").as("cents"))
    .where("invoice_id", "=", invoiceId)
    .where("status", "in", ["scheduled", "processing"])
    .executeTakeFirst();
  const balance = amountDueCents - Number(paid?.cents ?? 0);
  return {
    balance,
    inflight: Number(inflight?.cents ?? 0),
    available: balance - Number(inflight?.cents ?? 0),
  };
}

async function methodsByNickname(
  tx: Db | Tx,
  groupId: string,
  allocations: Out<typeof Allocation>[],
  problems: Problems,
): Promise<MethodRow[]> {
  const rows = await tx
    .selectFrom("payment_methods")
    .selectAll()
    .where("group_id", "=", groupId)
    .where("removed_at", "is", null)
    .execute();
  const seen = new Set<string>();
  const out: MethodRow[] = [];
  allocations.forEach((a, i) => {
    const m = rows.find((r) => r.nickname.toLowerCase() === a.method.toLowerCase());
    if (!m)
      problems.add(
        `allocations.${i}.method`,
        `no payment method nicknamed ${a.method} in this group (see \`hnctl payment-method list\`)`,
      );
    else if (seen.has(m.id)) problems.add(`allocations.${i}.method`, `names ${a.method} twice`);
    else {
      seen.add(m.id);
      out.push(m);
    }
  });
  const rest = allocations.filter((a) => a.amountCents === undefined).length;
  if (rest > 1)
    problems.add("allocations", "at most one allocation may leave out its amount (it takes the rest)");
  return out;
}

async function insertPayments(
  tx: Tx,
  ctx: PortalContext,
  opts: {
    invoice: Database["invoices"];
    parts: { method: MethodRow; amountCents: number }[];
    payDate: string;
    actor: Principal | null;
    scheduleId: string | null;
  },
): Promise<{ batchId: string; rows: PaymentRow[] }> {
  const batchId = newId("pyb");
  const now = ctx.clock.now().toISOString();
  const rows: PaymentRow[] = [];
  for (const part of opts.parts) {
    const row: PaymentRow = {
      id: newId("pay"),
      batch_id: batchId,
      employer_id: opts.invoice.employer_id,
      group_id: opts.invoice.group_id,
      invoice_id: opts.invoice.id,
      method_id: part.method.id,
      amount_cents: part.amountCents,
      pay_date: opts.payDate,
      status: "scheduled",
      settle_date: null,
      return_code: null,
      schedule_id: opts.scheduleId,
      created_by: opts.actor?.userId ?? null,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto("payments").values(row).execute();
    await audit(tx, ctx.clock.now(), {
      employerId: opts.invoice.employer_id,
      actor: opts.actor,
      action: "payment.created",
      objectType: "payment",
      objectId: row.id,
      details: {
        batchId,
        invoiceId: opts.invoice.id,
        amountCents: row.amount_cents,
        method: part.method.nickname,
        account: maskAccount(part.method.account_last4),
        payDate: row.pay_date,
        ...(opts.scheduleId ? { scheduleId: opts.scheduleId } : {}),
      },
    });
    rows.push(row);
  }
  return { batchId, rows };
}

export async function createPayment(
  ctx: PortalContext,
  principal: Principal,
  idempotencyKey: string | string[] | undefined,
  input: Out<typeof PaymentCreate>,
) {
  requireFeature(principal, "billing.pay");
  return idempotent(ctx, principal, "paymentCreate", idempotencyKey, input, async (tx) => {
    const invoice = await tx
      .selectFrom("invoices")
      .selectAll()
      .where("id", "=", input.invoiceId)
      .executeTakeFirst();
    if (!invoice || !inScope(principal, placeOfGroup(invoice.group_id, invoice.employer_id)))
      throw notFound(`invoice ${input.invoiceId}`);
    const today = todayOf(ctx.clock.now());
    const payDate = input.date ?? today;
    const problems = new Problems();
    if (payDate < today) problems.add("date", `must not be in the past (today is ${today})`);
    else if (payDate > addMonths(today, 12))
      problems.add("date", `must not be more than a year ahead (latest ${addMonths(today, 12)})`);
    const methods = await methodsByNickname(tx, invoice.group_id, input.allocations, problems);
    problems.throwIfAny();
    if (invoice.closed_at)
      throw new AppError(
        422,
        "invoice_closed",
        `invoice ${invoice.number} is closed: its balance moved to the group's latest invoice; pay that one`,
      );
    const room = await invoiceRoom(tx, invoice.id, invoice.amount_due_cents);
    if (room.balance <= 0)
      throw new AppError(422, "invoice_paid", `invoice ${invoice.number} is paid; nothing is due`);
    const fixed = input.allocations.reduce((s, a) => s + (a.amountCents ?? 0), 0);
    const restIndex = input.allocations.findIndex((a) => a.amountCents === undefined);
    const rest = room.available - fixed;
    if (restIndex >= 0 && rest <= 0)
      throw unprocessable(
        `allocations.${restIndex}.amountCents`,
        `has nothing left to take: ${formatUsd(room.available)} is still to pay and the fixed amounts cover ${formatUsd(fixed)}`,
      );
    const total = restIndex >= 0 ? fixed + rest : fixed;
    if (total > room.available && !input.allowOverpay)
      throw unprocessable(
        "allocations",
        `total ${formatUsd(total)}, more than the ${formatUsd(room.available)} still to pay on invoice ${invoice.number}` +
          (room.inflight ? ` (${formatUsd(room.inflight)} is already scheduled or processing)` : "") +
          "; lower the amounts or allow an overpayment",
      );
    const parts = input.allocations.map((a, i) => ({
      method: methods[i]!,
      amountCents: a.amountCents ?? rest,
    }));
    const { batchId, rows } = await insertPayments(tx, ctx, {
      invoice,
      parts,
      payDate,
      actor: principal,
      scheduleId: null,
    });
    return { batchId, invoiceId: invoice.id, totalCents: total, payments: await paymentViews(tx, rows) };
  });
}

// ---------------------------------------------------------------- schedules

interface StoredAllocation {
  methodId: string;
  amountCents: number | null;
}
const parseAllocations = (json: string) => JSON.parse(json) as StoredAllocation[];

/** The first date on or after `from` that falls on `day` of a month. */
export function nextRunOnOrAfter(from: string, day: number): string {
  const candidate = `${from.slice(0, 8)}${String(day).padStart(2, "0")}`;
  return candidate >= from ? candidate : addMonths(candidate, 1);
}

async function scheduleViews(db: Db | Tx, rows: ScheduleRow[]): Promise<Schedule[]> {
  if (!rows.length) return [];
  const allocs = rows.map((r) => parseAllocations(r.allocations));
  const methodIds = [...new Set(allocs.flat().map((a) => a.methodId))];
  const methods = methodIds.length
    ? await db.selectFrom("payment_methods").selectAll().where("id", "in", methodIds).execute()
    : [];
  const numbers = await groupNumbers(
    db,
    rows.map((r) => r.group_id),
  );
  return rows.map((r, i) => ({
    id: r.id,
    groupNumber: numbers.get(r.group_id)!,
    dayOfMonth: r.day_of_month,
    allocations: allocs[i]!.map((a) => {
      const m = methods.find((x) => x.id === a.methodId)!;
      return {
        method: m.nickname,
        methodId: m.id,
        accountMasked: maskAccount(m.account_last4),
        amountCents: a.amountCents,
      };
    }),
    startDate: r.start_date,
    endDate: r.end_date,
    status: r.status,
    nextRunDate: r.next_run_date,
    lastRunDate: r.last_run_date,
    createdAt: r.created_at,
  }));
}

export async function listSchedules(
  ctx: PortalContext,
  principal: Principal,
  query: Out<typeof ScheduleListQuery>,
): Promise<{ schedules: Schedule[] }> {
  const groups = query.group
    ? [await resolveGroup(ctx.db, principal, query.group)]
    : await visibleGroups(ctx.db, principal);
  if (!groups.length) return { schedules: [] };
  const rows = await ctx.db
    .selectFrom("payment_schedules")
    .selectAll()
    .where(
      "group_id",
      "in",
      groups.map((g) => g.id),
    )
    .orderBy("created_at")
    .execute();
  return { schedules: await scheduleViews(ctx.db, rows) };
}

function checkScheduleDates(problems: Problems, today: string, start: string, end: string | null) {
  if (start < today) problems.add("startDate", `must not be in the past (today is ${today})`);
  else if (start > addMonths(today, 12)) problems.add("startDate", "must not be more than a year ahead");
  if (end && end < start) problems.add("endDate", `must not be before the start (${start})`);
}

async function storedAllocations(
  tx: Tx,
  groupId: string,
  allocations: Out<typeof Allocation>[],
  problems: Problems,
): Promise<StoredAllocation[]> {
  const methods = await methodsByNickname(tx, groupId, allocations, problems);
  problems.throwIfAny();
  return allocations.map((a, i) => ({ methodId: methods[i]!.id, amountCents: a.amountCents ?? null }));
}

export async function createSchedule(
  ctx: PortalContext,
  principal: Principal,
  idempotencyKey: string | string[] | undefined,
  input: Out<typeof ScheduleCreate>,
) {
  requireFeature(principal, "billing.manage");
  return idempotent(ctx, principal, "scheduleCreate", idempotencyKey, input, async (tx) => {
    const group = await resolveGroup(tx, principal, input.group);
    const today = todayOf(ctx.clock.now());
    const start = input.startDate ?? today;
    const problems = new Problems();
    checkScheduleDates(problems, today, start, input.endDate ?? null);
    const allocations = await storedAllocations(tx, group.id, input.allocations, problems);
    const next = nextRunOnOrAfter(start, input.dayOfMonth);
    const row: ScheduleRow = {
      id: newId("pys"),
      employer_id: group.employer_id,
      group_id: group.id,
      day_of_month: input.dayOfMonth,
      allocations: JSON.stringify(allocations),
      start_date: start,
      end_date: input.endDate ?? null,
      status: input.endDate && next > input.endDate ? "ended" : "active",
      next_run_date: input.endDate && next > input.endDate ? null : next,
      last_run_date: null,
      created_by: principal.userId,
      created_at: ctx.clock.now().toISOString(),
    };
    await tx.insertInto("payment_schedules").values(row).execute();
    await audit(tx, ctx.clock.now(), {
      employerId: principal.employerId,
      actor: principal,
      action: "payment_schedule.created",
      objectType: "payment_schedule",
      objectId: row.id,
      details: { group: group.group_number, dayOfMonth: row.day_of_month, allocations },
    });
    return (await scheduleViews(tx, [row]))[0]!;
  });
}

async function loadSchedule(db: Db | Tx, principal: Principal, id: string): Promise<ScheduleRow> {
  const s = await db.selectFrom("payment_schedules").selectAll().where("id", "=", id).executeTakeFirst();
  if (!s || !inScope(principal, placeOfGroup(s.group_id, s.employer_id)))
    throw notFound(`payment schedule ${id}`);
  return s;
}

async function changeSchedule(
  ctx: PortalContext,
  principal: Principal,
  id: string,
  action: string,
  change: (s: ScheduleRow, tx: Tx, today: string) => Promise<Partial<ScheduleRow>> | Partial<ScheduleRow>,
): Promise<Schedule> {
  requireFeature(principal, "billing.manage");
  return ctx.db.transaction().execute(async (tx) => {
    const s = await loadSchedule(tx, principal, id);
    const today = todayOf(ctx.clock.now());
    const set = await change(s, tx, today);
    await tx.updateTable("payment_schedules").set(set).where("id", "=", s.id).execute();
    await audit(tx, ctx.clock.now(), {
      employerId: principal.employerId,
      actor: principal,
      action: `payment_schedule.${action}`,
      objectType: "payment_schedule",
      objectId: s.id,
      details: { ...set, allocations: set.allocations ? JSON.parse(set.allocations) : undefined },
    });
    return (await scheduleViews(tx, [{ ...s, ...set }]))[0]!;
  });
}

const notIn = (s: ScheduleRow, allowed: ScheduleRow["status"][], verb: string) => {
  if (!allowed.includes(s.status))
    throw new AppError(409, "conflict", `schedule ${s.id} is ${s.status}; it cannot be ${verb}`);
};

function nextFor(
  s: Pick<ScheduleRow, "last_run_date">,
  start: string,
  end: string | null,
  day: number,
  today: string,
) {
  // Never the day it already ran on: from the later of the start, today and the day after the last run.
  const afterLast = s.last_run_date ? addDays(s.last_run_date, 1) : start;
  const from = [start, today, afterLast].sort().at(-1)!;
  const next = nextRunOnOrAfter(from, day);
  return end && next > end ? null : next;
}

export function updateSchedule(
  ctx: PortalContext,
  principal: Principal,
  id: string,
  input: Out<typeof ScheduleUpdate>,
) {
  return changeSchedule(ctx, principal, id, "updated", async (s, tx, today) => {
    notIn(s, ["active", "paused"], "changed");
    const problems = new Problems();
    const start = input.startDate ?? s.start_date;
    const end = input.endDate === undefined ? s.end_date : input.endDate;
    const day = input.dayOfMonth ?? s.day_of_month;
    if (input.startDate) checkScheduleDates(problems, today, start, end);
    else if (end && end < start) problems.add("endDate", `must not be before the start (${start})`);
    const allocations = input.allocations
      ? JSON.stringify(await storedAllocations(tx, s.group_id, input.allocations, problems))
      : s.allocations;
    problems.throwIfAny();
    const next = nextFor(s, start, end, day, today);
    return {
      day_of_month: day,
      start_date: start,
      end_date: end,
      allocations,
      next_run_date: next,
      ...(next === null ? { status: "ended" as const } : {}),
    };
  });
}

export function pauseSchedule(ctx: PortalContext, principal: Principal, id: string) {
  return changeSchedule(ctx, principal, id, "paused", (s) => {
    notIn(s, ["active"], "paused");
    return { status: "paused", next_run_date: null };
  });
}

export function resumeSchedule(ctx: PortalContext, principal: Principal, id: string) {
  return changeSchedule(ctx, principal, id, "resumed", (s, _tx, today) => {
    notIn(s, ["paused"], "resumed");
    const next = nextFor(s, s.start_date, s.end_date, s.day_of_month, today);
    return next ? { status: "active", next_run_date: next } : { status: "ended", next_run_date: null };
  });
}

export function cancelSchedule(ctx: PortalContext, principal: Principal, id: string) {
  return changeSchedule(ctx, principal, id, "cancelled", (s) => {
    notIn(s, ["active", "paused"], "cancelled");
    return { status: "cancelled", next_run_date: null };
  });
}

// ---------------------------------------------------------------- the scheduler's work

/** The next business day after `date` (Monday to Friday; bank holidays are not modelled). */
export function nextBusinessDay(date: string): string {
  let d = addDays(date, 1);
  for (;;) {
    const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (wd !== 0 && wd !== 6) return d;
    d = addDays(d, 1);
  }
}

/** One schedule's run on `runDate`: pays the group's latest open invoice what is still to pay, per allocation. */
async function runSchedule(ctx: PortalContext, tx: Tx, s: ScheduleRow, runDate: string): Promise<void> {
  const invoice = await tx
    .selectFrom("invoices")
    .selectAll()
    .where("group_id", "=", s.group_id)
    .where("closed_at", "is", null)
    .orderBy("period", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!invoice) return;
  const room = await invoiceRoom(tx, invoice.id, invoice.amount_due_cents);
  let left = room.available;
  if (left <= 0) return;
  const allocations = parseAllocations(s.allocations);
  const methods = await tx
    .selectFrom("payment_methods")
    .selectAll()
    .where(
      "id",
      "in",
      allocations.map((a) => a.methodId),
    )
    .execute();
  const parts: { method: MethodRow; amountCents: number }[] = [];
  // Fixed amounts first (never more than is left to pay), then the rest.
  for (const a of allocations.filter((x) => x.amountCents !== null)) {
    const amount = Math.min(a.amountCents!, left);
    if (amount > 0) parts.push({ method: methods.find((m) => m.id === a.methodId)!, amountCents: amount });
    left -= amount;
  }
  const rest = allocations.find((x) => x.amountCents === null);
  if (rest && left > 0)
    parts.push({ method: methods.find((m) => m.id === rest.methodId)!, amountCents: left });
  if (parts.length)
    await insertPayments(tx, ctx, { invoice, parts, payDate: runDate, actor: null, scheduleId: s.id });
}

interface StatusNotice {
  paymentId: string;
}

/**
 * The payments job: recurring schedules that fell due create their payments; scheduled payments whose day
 * came start processing (settling the next business day); processing payments whose settle date came
 * settle (posting to billing's ledger) or, in the sandbox, are returned. Idempotent: each step moves rows
 * from one status to the next exactly once. Then e-mails users who asked for payment-status notices.
 */
export async function runPayments(ctx: PortalContext, now: Date): Promise<void> {
  const today = todayOf(now);
  const notices: StatusNotice[] = [];
  await ctx.db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom("payment_schedules")
      .selectAll()
      .where("status", "=", "active")
      .where("next_run_date", "<=", today)
      .execute();
    for (const s of due) {
      let runDate = s.next_run_date!;
      let last = s.last_run_date;
      while (runDate <= today && (!s.end_date || runDate <= s.end_date)) {
        await runSchedule(ctx, tx, s, runDate);
        last = runDate;
        runDate = nextRunOnOrAfter(addDays(runDate, 1), s.day_of_month);
      }
      const ended = Boolean(s.end_date && runDate > s.end_date);
      await tx
        .updateTable("payment_schedules")
        .set({
          last_run_date: last,
          next_run_date: ended ? null : runDate,
          status: ended ? "ended" : "active",
        })
        .where("id", "=", s.id)
        .execute();
    }

    const starting = await tx
      .selectFrom("payments")
      .select(["id", "pay_date"])
      .where("status", "=", "scheduled")
      .where("pay_date", "<=", today)
      .execute();
    for (const p of starting)
      await tx
        .updateTable("payments")
        .set({
          status: "processing",
          settle_date: nextBusinessDay(p.pay_date),
          updated_at: now.toISOString(),
        })
        .where("id", "=", p.id)
        .execute();

    const settling = await tx
      .selectFrom("payments")
      .innerJoin("payment_methods as m", "m.id", "payments.method_id")
      .selectAll("payments")
      .select("m.account_last4")
      .where("payments.status", "=", "processing")
      .where("payments.settle_date", "<=", today)
      .execute();
    for (const p of settling) {
      const code = ctx.settings.sandbox ? SANDBOX_RETURNS[p.account_last4] : undefined;
      await tx
        .updateTable("payments")
        .set({
          status: code ? "returned" : "settled",
          return_code: code ?? null,
          updated_at: now.toISOString(),
        })
        .where("id", "=", p.id)
        .execute();
      if (!code) await applyPayment(tx, p.invoice_id, p.amount_cents, now, "ach", p.id);
      await audit(tx, now, {
        employerId: p.employer_id,
        actor: null,
        action: code ? "payment.returned" : "payment.settled",
        objectType: "payment",
        objectId: p.id,
        details: { amountCents: p.amount_cents, ...(code ? { returnCode: code } : {}) },
      });
      notices.push({ paymentId: p.id });
    }
  });
  for (const n of notices) await notify(ctx, n.paymentId);
}

/** E-mails the payment's new status to users who opted in and may see the payment's group. */
async function notify(ctx: PortalContext, paymentId: string): Promise<void> {
  const row = await ctx.db
    .selectFrom("payments")
    .selectAll()
    .where("id", "=", paymentId)
    .executeTakeFirstOrThrow();
  const [p] = await paymentViews(ctx.db, [row]);
  const what =
    p!.status === "settled"
      ? `settled on ${p!.settleDate}`
      : `was returned by the bank: ${p!.returnCode} ${p!.returnReason}. The invoice still shows the amount as unpaid`;
  const text =
    `Payment ${p!.id} of ${formatUsd(p!.amountCents)} from ${p!.method.nickname} (${p!.method.accountMasked}) ` +
    `for invoice ${p!.invoiceNumber} ${what}.\n\nSee it with \`hnctl payment show ${p!.id}\`.`;
  const recipients = await billingRecipients(
    ctx.db,
    row.employer_id,
    row.group_id,
    ["billing.view", "billing.pay", "billing.manage"],
    "paymentStatus",
  );
  for (const u of recipients) {
    await ctx.mailer.send({
      to: u.email,
      subject: `Payment ${p!.status}: ${formatUsd(p!.amountCents)} for ${p!.invoiceNumber}`,
      text,
    });
  }
}
