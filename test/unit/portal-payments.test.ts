import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testPortal, type TestPortal } from "../helpers/portal.js";
import { adminToken } from "../helpers/enrollment.js";
import { resetBilling } from "../helpers/billing.js";
import { abaChecksumOk } from "../../src/contract/payments.js";
import { nextBusinessDay, nextRunOnOrAfter } from "../../src/portal/services/payments.js";

let portal: TestPortal;
let token: string;
let key = 0;
beforeEach(async () => {
  portal = await testPortal();
  // A Friday: a payment made today processes today and settles on Monday.
  await resetBilling(portal, "2026-11-20T12:00:00.000Z");
  token = await adminToken(portal);
});
afterEach(async () => {
  await portal.dispose();
});

const call = (method: string, url: string, body?: unknown, headers?: Record<string, string>) =>
  portal.call(method, url, { body, token, headers });
const advance = (by: string) => call("POST", "/v1/sandbox/clock/advance", { by });
const current = async () => (await call("GET", "/v1/invoices/current?group=G1000001")).body;
const addMethod = (nickname: string, accountNumber: string, over: Record<string, unknown> = {}) =>
  call("POST", "/v1/payment-methods", {
    group: "G1000001",
    nickname,
    routingNumber: "011000015",
    accountNumber,
    type: "checking",
    ...over,
  });
const pay = (body: Record<string, unknown>, k = `test-key-${++key}`) =>
  call("POST", "/v1/payments", body, { "idempotency-key": k });
const countPayments = async () =>
  Number(
    (
      await portal.ctx.db
        .selectFrom("payments")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("payment methods", () => {
  it("checks the routing number, the account number and the nickname; masks and encrypts the account", async () => {
    expect(abaChecksumOk("011000015")).toBe(true);
    expect(abaChecksumOk("011000016")).toBe(false);
    const bad = await addMethod("ops", "12345678", { routingNumber: "011000016" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/routingNumber.*ABA checksum/);
    const letters = await addMethod("ops", "1234abcd");
    expect(letters.status).toBe(400);
    expect(letters.body.error.message).toMatch(/accountNumber must be 4 to 17 digits/);
    const ok = await addMethod("operating", "000123456789");
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      nickname: "operating",
      accountMasked: "••••6789",
      groupNumber: "G1000001",
    });
    expect(JSON.stringify(ok.body)).not.toContain("123456789");
    const row = await portal.ctx.db
      .selectFrom("payment_methods")
      .selectAll()
      .where("id", "=", ok.body.id)
      .executeTakeFirstOrThrow();
    expect(row.account_encrypted).not.toContain("123456789");
    expect(portal.ctx.pii.decrypt(row.account_encrypted)).toBe("000123456789");
    const taken = await addMethod("Operating", "55554444");
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe("nickname_taken");
    const dup = await addMethod("other", "000123456789");
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toMatch(/already on file .* as operating/);
    const audit = await call("GET", "/v1/audit?action=payment_method.added");
    expect(JSON.stringify(audit.body)).not.toContain("123456789");
  });

  it("refuses to remove an account a scheduled payment uses, naming the payment", async () => {
    await addMethod("operating", "11112222");
    const p = await pay({
      invoiceId: (await current()).id,
      allocations: [{ method: "operating", amountCents: 100 }],
      date: "2026-11-25",
    });
    const methodId = p.body.payments[0].method.id;
    const refused = await call("DELETE", `/v1/payment-methods/${methodId}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain(p.body.payments[0].id);
    expect((await call("POST", `/v1/payments/${p.body.payments[0].id}/cancel`)).status).toBe(200);
    const removed = await call("DELETE", `/v1/payment-methods/${methodId}`);
    expect(removed.status).toBe(200);
    expect((await call("GET", "/v1/payment-methods")).body.paymentMethods).toHaveLength(0);
  });
});

describe("paying an invoice", () => {
  beforeEach(async () => {
    await addMethod("operating", "11112222");
    await addMethod("reserve", "33334444", { type: "savings" });
  });

  it("splits across accounts (one takes the rest), settles the next business day and posts to billing", async () => {
    const inv = await current();
    const due = inv.balanceCents;
    const res = await pay({
      invoiceId: inv.id,
      allocations: [{ method: "operating", amountCents: 120_000 }, { method: "reserve" }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.totalCents).toBe(due);
    expect(res.body.payments.map((p: { amountCents: number }) => p.amountCents)).toEqual([
      120_000,
      due - 120_000,
    ]);
    expect(res.body.payments[0]).toMatchObject({ status: "scheduled", payDate: "2026-11-20" });
    await advance("1m");
    const processing = await call("GET", `/v1/payments/${res.body.payments[0].id}`);
    expect(processing.body).toMatchObject({ status: "processing", settleDate: "2026-11-23" });
    const cancel = await call("POST", `/v1/payments/${res.body.payments[0].id}/cancel`);
    expect(cancel.status).toBe(409);
    await advance("3d");
    const settled = await call("GET", `/v1/payments/${res.body.payments[0].id}`);
    expect(settled.body.status).toBe("settled");
    const after = await current();
    expect(after.status).toBe("paid");
    expect(after.paidCents).toBe(due);
    const again = await pay({ invoiceId: inv.id, allocations: [{ method: "operating", amountCents: 100 }] });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe("invoice_paid");
    const cancelSettled = await call("POST", `/v1/payments/${res.body.payments[0].id}/cancel`);
    expect(cancelSettled.status).toBe(409);
    expect(cancelSettled.body.error.code).toBe("payment_not_cancellable");
    const mails = await call("GET", "/v1/sandbox/outbox");
    expect(JSON.stringify(mails.body)).toMatch(/Payment settled/);
  });

  it("refuses bad amounts, unknown nicknames, overpayment, and dates in the past or beyond a year", async () => {
    const inv = await current();
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ allocations: [{ method: "operating", amountCents: 0 }] }, 400, /must be more than 0/],
      [{ allocations: [{ method: "operating", amountCents: 12.345 }] }, 400, /amountCents/],
      [{ allocations: [{ method: "nope", amountCents: 100 }] }, 422, /no payment method nicknamed nope/],
      [{ allocations: [{ method: "operating", amountCents: inv.balanceCents + 1 }] }, 422, /more than the/],
      [{ allocations: [{ method: "operating" }, { method: "reserve" }] }, 422, /at most one allocation/],
      [{ allocations: [{ method: "operating", amountCents: 100 }], date: "2026-11-19" }, 422, /in the past/],
      [{ allocations: [{ method: "operating", amountCents: 100 }], date: "2027-11-21" }, 422, /a year ahead/],
    ];
    for (const [body, status, message] of cases) {
      const res = await pay({ invoiceId: inv.id, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.message).toMatch(message);
    }
    expect(await countPayments()).toBe(0);
    const over = await pay({
      invoiceId: inv.id,
      allocations: [{ method: "operating", amountCents: inv.balanceCents + 1 }],
      allowOverpay: true,
    });
    expect(over.status).toBe(201);
  });

  it("sandbox account numbers ending in 9901 are returned R01 at settlement and the invoice stays unpaid", async () => {
    await addMethod("bounce", "55559901");
    const inv = await current();
    const res = await pay({ invoiceId: inv.id, allocations: [{ method: "bounce", amountCents: 5000 }] });
    await advance("4d");
    const p = await call("GET", `/v1/payments/${res.body.payments[0].id}`);
    expect(p.body).toMatchObject({
      status: "returned",
      returnCode: "R01",
      returnReason: "insufficient funds",
    });
    expect((await current()).paidCents).toBe(0);
  });
});

describe("idempotency", () => {
  beforeEach(async () => {
    await addMethod("operating", "11112222");
  });

  it("needs a key; a replay answers the stored response; the same key with another body is 422", async () => {
    const inv = await current();
    const body = { invoiceId: inv.id, allocations: [{ method: "operating", amountCents: 100 }] };
    const none = await call("POST", "/v1/payments", body);
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe("idempotency_key_required");
    const first = await pay(body, "same-key-123");
    const second = await pay(body, "same-key-123");
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const other = await pay(
      { ...body, allocations: [{ method: "operating", amountCents: 200 }] },
      "same-key-123",
    );
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("idempotency_key_reused");
    expect(await countPayments()).toBe(1);
  });

  it("20 concurrent duplicates make exactly one payment (the rest replay or answer 409)", async () => {
    const inv = await current();
    const body = { invoiceId: inv.id, allocations: [{ method: "operating", amountCents: 100 }] };
    const results = await Promise.all(Array.from({ length: 20 }, () => pay(body, "concurrent-key-1")));
    const statuses = results.map((r) => r.status);
    expect(
      statuses.every((s) => s === 201 || s === 409),
      statuses.join(","),
    ).toBe(true);
    const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.body.batchId));
    expect(ids.size).toBe(1);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.body.error.code).toBe("idempotency_in_progress");
      expect(r.headers["retry-after"]).toBe("1");
    }
    expect(await countPayments()).toBe(1);
  });
});

describe("recurring schedules", () => {
  beforeEach(async () => {
    await addMethod("operating", "11112222");
    await addMethod("reserve", "33334444");
  });
  const create = (body: Record<string, unknown>) =>
    call(
      "POST",
      "/v1/payment-schedules",
      { group: "G1000001", ...body },
      { "idempotency-key": `sched-key-${++key}` },
    );

  it("refuses a day outside 1-28 and pays the open invoice on its day", async () => {
    for (const day of [0, 29, 31]) {
      const bad = await create({ dayOfMonth: day, allocations: [{ method: "operating" }] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/between 1 and 28/);
    }
    const s = await create({
      dayOfMonth: 25,
      allocations: [{ method: "operating", amountCents: 10_000 }, { method: "reserve" }],
    });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    expect(s.body).toMatchObject({ status: "active", nextRunDate: "2026-11-25" });
    const inv = await current();
    await advance("5d");
    const list = await call("GET", "/v1/payments");
    expect(list.body.payments).toHaveLength(2);
    expect(list.body.payments.reduce((t: number, p: { amountCents: number }) => t + p.amountCents, 0)).toBe(
      inv.balanceCents,
    );
    expect((await call("GET", "/v1/payment-schedules")).body.schedules[0].nextRunDate).toBe("2026-12-25");
    const paused = await call("POST", `/v1/payment-schedules/${s.body.id}/pause`);
    expect(paused.body).toMatchObject({ status: "paused", nextRunDate: null });
    const resumed = await call("POST", `/v1/payment-schedules/${s.body.id}/resume`);
    expect(resumed.body).toMatchObject({ status: "active", nextRunDate: "2026-12-25" });
    const updated = await call("PATCH", `/v1/payment-schedules/${s.body.id}`, { dayOfMonth: 2 });
    expect(updated.body.nextRunDate).toBe("2026-12-02");
    const methodId = s.body.allocations[0].methodId;
    const refused = await call("DELETE", `/v1/payment-methods/${methodId}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain(s.body.id);
    const cancelled = await call("POST", `/v1/payment-schedules/${s.body.id}/cancel`);
    expect(cancelled.body.status).toBe("cancelled");
  });
});

describe("dates", () => {
  it("next business day skips weekends; schedule days roll to next month", () => {
    expect(nextBusinessDay("2026-11-20")).toBe("2026-11-23");
    expect(nextBusinessDay("2026-11-23")).toBe("2026-11-24");
    expect(nextRunOnOrAfter("2026-11-20", 5)).toBe("2026-12-05");
    expect(nextRunOnOrAfter("2026-11-20", 20)).toBe("2026-11-20");
  });
});
