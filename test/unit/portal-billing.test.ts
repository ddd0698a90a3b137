import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testPortal, type TestPortal } from "../helpers/portal.js";
import { adminToken, enrollBody } from "../helpers/enrollment.js";
import { checkTotals, resetBilling } from "../helpers/billing.js";
import { applyPayment } from "../../src/portal/services/billing.js";
import { demoIds } from "../../src/portal/services/demo.js";
import { demoMemberId } from "../../src/portal/services/demo-members.js";
import { parseUsd, formatUsd } from "../../src/contract/money.js";

let portal: TestPortal;
let token: string;
beforeEach(async () => {
  portal = await testPortal();
  await resetBilling(portal, "2026-11-20T12:00:00.000Z");
  token = await adminToken(portal);
});
afterEach(async () => {
  await portal.dispose();
});

const call = (method: string, url: string, body?: unknown, as = token) =>
  portal.call(method, url, { body, token: as });
const advance = (by: string) => call("POST", "/v1/sandbox/clock/advance", { by });
const current = async (group = "G1000001") => (await call("GET", `/v1/invoices/current?group=${group}`)).body;
const E1001 = demoMemberId("000001234", "E1001");

describe("the billing cycle", () => {
  it("the demo has one issued invoice: G1000001's for next month, issued on the 15th, due on the 1st", async () => {
    const list = await call("GET", "/v1/invoices");
    expect(list.status).toBe(200);
    expect(list.body.invoices).toHaveLength(1);
    const inv = list.body.invoices[0];
    expect(inv).toMatchObject({
      number: "G1000001-202612",
      groupNumber: "G1000001",
      period: "2026-12",
      issueDate: "2026-11-15",
      dueDate: "2026-12-01",
      status: "open",
      delivery: ["portal", "paper"],
    });
    expect(inv.totals.amountDueCents).toBe(inv.totals.currentChargesCents);
    const lines = await call("GET", `/v1/invoices/${inv.id}/lines?limit=5`);
    expect(lines.body.lines).toHaveLength(5);
    expect(lines.body.nextCursor).toBeTruthy();
    const line = lines.body.lines[0];
    expect(line.people[0]).toMatchObject({ relationship: "subscriber", status: "active" });
    expect(line.premiumCents).toBe(line.regularCents + line.cobraCents);
    const rest = await call("GET", `/v1/invoices/${inv.id}/lines?cursor=${lines.body.nextCursor}&limit=1000`);
    expect(lines.body.lines.length + rest.body.lines.length).toBe(inv.lineCount);
    await checkTotals(portal);
  });

  it("enroll after issue → next invoice charges the new month and adjusts the billed one; a retro termination credits it back", async () => {
    const added = await call("POST", "/v1/members", enrollBody({ effectiveDate: "2026-12-01" }));
    expect(added.status).toBe(201);
    const rate = added.body.monthlyPremiumCents;
    const dec = await current();
    expect(dec.pendingAdjustments).toEqual([
      expect.objectContaining({ memberId: added.body.id, months: ["2026-12"], amountCents: rate }),
    ]);
    expect((await advance("31d")).status).toBe(200); // 2026-12-21: the Dec 15 cycle ran
    const jan = await current();
    expect(jan.period).toBe("2027-01");
    expect(jan.adjustments).toEqual([
      expect.objectContaining({ memberId: added.body.id, months: ["2026-12"], amountCents: rate }),
    ]);
    expect(jan.adjustments[0].reason).toMatch(/added retroactively/);
    const line = await call("GET", `/v1/invoices/${jan.id}/lines?member=${added.body.id}`);
    expect(line.body.lines[0]).toMatchObject({ premiumCents: rate, planCode: "PPO-1000", tier: "EF" });
    expect(jan.totals.previousBalanceCents).toBe(dec.totals.amountDueCents);
    expect((await call("GET", `/v1/invoices/${dec.id}`)).body.status).toBe("closed");

    const cancel = await call("POST", `/v1/members/${added.body.id}/cancel`, {
      terminationDate: "2026-12-31",
      reason: "termination-of-employment",
    });
    expect(cancel.status).toBe(200);
    await advance("31d"); // 2027-01-21
    const feb = await current();
    expect(feb.period).toBe("2027-02");
    expect(feb.adjustments).toEqual([
      expect.objectContaining({ memberId: added.body.id, months: ["2027-01"], amountCents: -rate }),
    ]);
    expect(feb.adjustments[0].reason).toMatch(/coverage ended 2026-12-31/);
    const none = await call("GET", `/v1/invoices/${feb.id}/lines?member=${added.body.id}`);
    expect(none.body.lines).toEqual([]);
    await checkTotals(portal);
  });

  it("catches up when the clock jumps months: every missed cycle in order, once", async () => {
    await advance("100d"); // 2027-02-28: cycles of Dec 15, Jan 15, Feb 15
    const again = await advance("1m");
    expect(again.status).toBe(200);
    const list = (await call("GET", "/v1/invoices?group=G1000001")).body.invoices;
    expect(list.map((i: any) => i.period)).toEqual(["2027-03", "2027-02", "2027-01", "2026-12"]);
    expect(list.map((i: any) => i.issueDate)).toEqual([
      "2027-02-15",
      "2027-01-15",
      "2026-12-15",
      "2026-11-15",
    ]);
    expect(list.map((i: any) => i.status)).toEqual(["open", "closed", "closed", "closed"]);
    // G1000002's billing starts with the first cycle on or after the day the billing job first saw it.
    expect((await call("GET", "/v1/invoices?group=G1000002")).body.invoices).toEqual([]);
    await advance("16d");
    const g2 = (await call("GET", "/v1/invoices?group=G1000002")).body.invoices;
    expect(g2.map((i: any) => i.period)).toEqual(["2027-04"]);
    const issued = await portal.ctx.db.selectFrom("invoices").select("id").execute();
    await portal.scheduler.runDue();
    expect(await portal.ctx.db.selectFrom("invoices").select("id").execute()).toHaveLength(issued.length);
    // Unpaid balances roll forward.
    expect(list[0].totals.previousBalanceCents).toBe(list[1].totals.amountDueCents);
    await checkTotals(portal);
  });

  it("statuses follow payments and the due date: partially paid, past due, paid", async () => {
    const inv = await current();
    const pay = (cents: number) =>
      portal.ctx.db
        .transaction()
        .execute((tx) => applyPayment(tx, inv.id, cents, portal.clock.now(), "test"));
    await pay(1000);
    expect((await current()).status).toBe("partially_paid");
    await advance("12d"); // 2026-12-02: after the due date
    expect((await current()).status).toBe("past_due");
    await pay(inv.totals.amountDueCents - 1000);
    const paid = await current();
    expect(paid).toMatchObject({ status: "paid", balanceCents: 0, paidCents: inv.totals.amountDueCents });
    expect((await call("GET", "/v1/invoices?status=paid")).body.invoices).toHaveLength(1);
    // Adjusting a paid invoice is refused and changes nothing.
    const refused = await call("POST", `/v1/invoices/${inv.id}/adjustments/terminate`, {
      memberId: E1001,
      terminationDate: "2026-12-31",
      reason: "voluntary",
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("invoice_paid");
    expect((await call("GET", `/v1/members/${E1001}`)).body.status).toBe("active");
    await advance("31d");
    const next = await current();
    expect(next.totals).toMatchObject({
      previousBalanceCents: inv.totals.amountDueCents,
      paymentsCents: inv.totals.amountDueCents,
    });
    const closed = await call("POST", `/v1/invoices/${inv.id}/adjustments/terminate`, {
      memberId: E1001,
      terminationDate: "2026-12-31",
      reason: "voluntary",
    });
    expect(closed.status).toBe(409);
    await checkTotals(portal);
  });
});

describe("roster adjustments", () => {
  it("terminate: a dry run changes nothing and shows the credit; the real one cancels and shows the same", async () => {
    const inv = await current();
    const body = { memberId: E1001, terminationDate: "2026-11-30", reason: "voluntary" };
    const dry = await call("POST", `/v1/invoices/${inv.id}/adjustments/terminate`, { ...body, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.pendingAdjustments).toHaveLength(1);
    expect(dry.body.pendingAdjustments[0].month).toBe("2026-12");
    expect(dry.body.pendingTotalCents).toBeLessThan(0);
    expect(dry.body.cancel.people.length).toBeGreaterThan(0);
    expect((await call("GET", `/v1/members/${E1001}`)).body.status).toBe("active");
    const real = await call("POST", `/v1/invoices/${inv.id}/adjustments/terminate`, body);
    expect(real.status).toBe(200);
    expect(real.body.pendingAdjustments).toEqual(dry.body.pendingAdjustments);
    expect(real.body.member.status).toBe("terminated");
    expect((await current()).pendingAdjustments[0]).toMatchObject({
      memberId: E1001,
      amountCents: dry.body.pendingTotalCents,
    });
    // The same safeguards as cancel: a second time is a 409, a date too far back a 422.
    expect((await call("POST", `/v1/invoices/${inv.id}/adjustments/terminate`, body)).status).toBe(409);
  });

  it("add: enrolls through the same rules, and only into the invoice's group", async () => {
    const inv = await current();
    const wrong = await call("POST", `/v1/invoices/${inv.id}/adjustments/add`, {
      enrollment: { ...enrollBody(), groupNumber: "G1000002", subgroup: undefined, location: "TOL" },
    });
    expect(wrong.status).toBe(422);
    const badDate = await call("POST", `/v1/invoices/${inv.id}/adjustments/add`, {
      enrollment: enrollBody({ effectiveDate: "2026-12-15" }),
    });
    expect(badDate.status).toBe(422);
    const dry = await call("POST", `/v1/invoices/${inv.id}/adjustments/add`, {
      enrollment: enrollBody(),
      dryRun: true,
    });
    expect(dry.body).toMatchObject({ dryRun: true, memberId: null, pendingTotalCents: 197_200 });
    const ok = await call("POST", `/v1/invoices/${inv.id}/adjustments/add`, { enrollment: enrollBody() });
    expect(ok.status).toBe(200);
    expect(ok.body.pendingAdjustments).toEqual([
      expect.objectContaining({ month: "2026-12", amountCents: 197_200 }),
    ]);
  });
});

describe("amount-due requests", () => {
  it("accepted when enrollment changes explain it: the adjustment moves onto this invoice, not the next", async () => {
    const inv = await current();
    const term = await call("POST", `/v1/invoices/${inv.id}/adjustments/terminate`, {
      memberId: E1001,
      terminationDate: "2026-11-30",
      reason: "voluntary",
    });
    const credit = term.body.pendingTotalCents;
    const proposed = inv.totals.amountDueCents + credit;
    const req = await call("POST", `/v1/invoices/${inv.id}/amount-due-requests`, {
      amountCents: proposed,
      reason: "E1001 left in November",
    });
    expect(req.status).toBe(202);
    expect(req.body.status).toBe("pending_verification");
    expect((await current()).amountDueRequests[0].status).toBe("pending_verification");
    await advance("1m");
    const after = await current();
    expect(after.amountDueRequests[0]).toMatchObject({ status: "accepted" });
    expect(after.totals.amountDueCents).toBe(proposed);
    expect(after.pendingAdjustments).toEqual([]);
    await advance("31d");
    expect((await current()).adjustments).toEqual([]);
    await checkTotals(portal);
  });

  it("rejected with the reason when the roster does not explain it; per line too", async () => {
    const inv = await current();
    await call("POST", `/v1/invoices/${inv.id}/amount-due-requests`, {
      amountCents: inv.totals.amountDueCents - 5000,
      reason: "we think it is less",
    });
    const line = (await call("GET", `/v1/invoices/${inv.id}/lines?member=${E1001}`)).body.lines[0];
    await call("POST", `/v1/invoices/${inv.id}/amount-due-requests`, {
      amountCents: 0,
      reason: "left",
      memberId: E1001,
    });
    await advance("1m");
    const after = await current();
    expect(after.amountDueRequests.map((r: any) => r.status)).toEqual(["rejected", "rejected"]);
    expect(after.amountDueRequests[0].verification).toMatch(/no enrollment change/);
    expect(after.amountDueRequests[1].verification).toContain(formatUsd(line.premiumCents));
    expect(after.totals.amountDueCents).toBe(inv.totals.amountDueCents);
  });

  it("refuses bad input: negative, fractional or non-numeric amounts, a missing reason, the same amount, unknown invoices", async () => {
    const inv = await current();
    const post = (body: unknown, id = inv.id) => call("POST", `/v1/invoices/${id}/amount-due-requests`, body);
    for (const amountCents of [-1, 10.5, "12"]) {
      const res = await post({ amountCents, reason: "x" });
      expect(res.status, String(amountCents)).toBe(400);
      expect(res.body.error.details[0].path).toBe("amountCents");
    }
    expect((await post({ amountCents: 100 })).body.error.details[0].path).toBe("reason");
    expect((await post({ amountCents: 100, reason: "   " })).status).toBe(400);
    expect((await post({ amountCents: inv.totals.amountDueCents, reason: "same" })).status).toBe(422);
    expect((await post({ amountCents: 1, reason: "x" }, "inv_doesnotexist")).status).toBe(404);
    expect((await call("GET", "/v1/invoices/inv_doesnotexist")).status).toBe(404);
    expect((await call("GET", "/v1/invoices/not-an-id")).status).toBe(400);
    expect((await post({ amountCents: 1, reason: "x" })).status).toBe(202);
    expect((await post({ amountCents: 2, reason: "again" })).status).toBe(409);
  });
});

describe("preferences and e-mailed bills", () => {
  it("e-mails the bill with the PDF attached when on, and a notice to users who want it", async () => {
    const bad = await call("PATCH", "/v1/billing/preferences/G1000001", { emailTo: ["not-an-address"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toMatch(/^emailTo/);
    const none = await call("PATCH", "/v1/billing/preferences/G1000001", { emailBilling: true });
    expect(none.status).toBe(422);
    const ok = await call("PATCH", "/v1/billing/preferences/G1000001", {
      emailBilling: true,
      paperBilling: false,
      emailTo: ["AP@Acme.example", "ap@acme.example"],
    });
    expect(ok.body).toEqual({
      groupNumber: "G1000001",
      paperBilling: false,
      emailBilling: true,
      emailTo: ["ap@acme.example"],
    });
    expect((await call("GET", "/v1/billing/preferences/G1000001")).body).toEqual(ok.body);
    await advance("31d");
    const jan = await current();
    expect(jan.delivery).toEqual(["portal", "email"]);
    const mail = await portal.ctx.db
      .selectFrom("outbox")
      .selectAll()
      .where("to_addr", "=", "ap@acme.example")
      .execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toContain("G1000001-202701");
    expect(JSON.parse(mail[0]!.attachments!)[0]).toMatchObject({ filename: "G1000001-202701.pdf" });
    const notices = await portal.ctx.db
      .selectFrom("outbox")
      .selectAll()
      .where("subject", "like", "Bill available%")
      .execute();
    expect(notices.map((n) => n.to_addr)).toEqual(["hr-admin@acme.example"]);
    // Turning the notice off stops it.
    await call("PATCH", "/v1/users/me/notifications", { billAvailable: false });
    await advance("31d");
    expect(
      await portal.ctx.db
        .selectFrom("outbox")
        .selectAll()
        .where("subject", "like", "Bill available%")
        .execute(),
    ).toHaveLength(1);
  });
});

describe("money", () => {
  it("parses USD strictly in one place", () => {
    expect(parseUsd("1234.56")).toEqual({ ok: true, cents: 123456 });
    expect(parseUsd("$1,234.5")).toEqual({ ok: true, cents: 123450 });
    expect(parseUsd("0")).toEqual({ ok: true, cents: 0 });
    for (const bad of ["-5", "abc", "1.234", "12,34", "1e3", "", "1.", "$-3", "NaN", "0x10"])
      expect(parseUsd(bad).ok, bad).toBe(false);
    expect(parseUsd("1.234")).toMatchObject({ message: expect.stringContaining("more than 2 decimals") });
    expect(formatUsd(-123456)).toBe("-$1,234.56");
    void demoIds;
  });
});
