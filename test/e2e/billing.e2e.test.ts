import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliEnv,
  createTokenWithCli,
  registerPrimary,
  runCli,
  startPortalProcess,
  type PortalProcess,
} from "../helpers/cli.js";
import { enrollBody } from "../helpers/enrollment.js";

let portal: PortalProcess;
let admin: ReturnType<typeof cliEnv>;
let work: string;
const cli = (args: string[]) => runCli(args, { env: admin.env, timeoutMs: 30_000 });
const json = async (args: string[]) => {
  const r = await cli([...args, "--json"]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return JSON.parse(r.stdout);
};
const endOfMonth = (month: string) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0")}`;
};

beforeAll(async () => {
  portal = await startPortalProcess();
  admin = cliEnv(portal.url);
  work = mkdtempSync(join(tmpdir(), "hnctl-bill-"));
  await registerPrimary(portal, admin.env);
  // The sandbox clock moves months ahead: sessions expire, so the test works as cron would, with an API token.
  admin.env.HNCTL_TOKEN = await createTokenWithCli(admin.env, "billing-e2e");
});
afterAll(async () => {
  admin?.cleanup();
  rmSync(work, { recursive: true, force: true });
  await portal?.stop();
});

describe("bill from the CLI against the real portal", () => {
  it("lists the demo's one invoice, views it, streams its lines as CSV and prints it as a PDF", async () => {
    const list = await json(["bill", "list"]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ groupNumber: "G1000001", status: "open" });
    const table = await cli(["bill", "list", "--status", "open"]);
    expect(table.stdout).toContain(list[0].number);

    const view = await cli(["bill", "view", "--current", "--group", "G1000001", "--limit", "3"]);
    expect(view.code, view.stderr).toBe(0);
    expect(view.stdout).toMatch(/Amount due:\s+\$/);
    expect(view.stdout).toContain("covered people");
    expect(view.stderr).toMatch(/Showing 3 of \d+ lines/);

    const csv = await cli(["bill", "view", list[0].id, "--csv"]);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^member,subscriber,/);
    expect(rows).toHaveLength(list[0].lineCount + 1);

    const file = join(work, "bill.pdf");
    const pdf = await cli(["bill", "view", list[0].id, "--pdf", file]);
    expect(pdf.code, pdf.stderr).toBe(0);
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    expect(text).toContain(`Invoice ${list[0].number}`);
    expect(text).toContain("Acme Manufacturing");
    expect(text).toContain("Amount due");
    expect(text).toContain(list[0].dueDate);
    expect(text).toContain(`${list[0].lineCount} line(s)`);
    expect(readdirSync(work).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    const nowhere = join(work, "missing-dir", "bill.pdf");
    const bad = await cli(["bill", "view", list[0].id, "--pdf", nowhere]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`cannot write ${nowhere}`);
    expect(existsSync(nowhere)).toBe(false);
  });

  it("walks a month: add a member, advance the clock, see the charge and adjustment; terminate back, see the credit", async () => {
    const dec = await json(["bill", "view", "--current", "--group", "G1000001"]);
    const period: string = dec.invoice.period;
    const enrollment = join(work, "new-hire.json");
    writeFileSync(
      enrollment,
      JSON.stringify(enrollBody({ effectiveDate: `${period}-01`, employeeNumber: "E2E1" })),
    );
    const dry = await json(["bill", "adjust", dec.invoice.id, "--add", enrollment, "--dry-run"]);
    expect(dry).toMatchObject({ dryRun: true, pendingTotalCents: 197_200 });
    const added = await json(["bill", "adjust", dec.invoice.id, "--add", enrollment]);
    const memberId = added.memberId as string;
    expect(added.pendingAdjustments).toEqual([
      expect.objectContaining({ month: period, amountCents: 197_200 }),
    ]);

    expect((await cli(["portal", "clock", "advance", "31d"])).code).toBe(0);
    const jan = await json(["bill", "view", "--current", "--group", "G1000001", "--member", memberId]);
    expect(jan.invoice.period > period).toBe(true);
    expect(jan.invoice.adjustments).toEqual([
      expect.objectContaining({ memberId, months: [period], amountCents: 197_200 }),
    ]);
    expect(jan.lines).toEqual([expect.objectContaining({ memberId, premiumCents: 197_200, tier: "EF" })]);

    // Terminating needs --yes when not at a terminal, and changes nothing without it.
    const args = ["bill", "adjust", jan.invoice.id, "--member", memberId, "--terminate", endOfMonth(period)];
    const noYes = await cli(args);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain("--yes");
    expect(noYes.stderr).toContain("Pending adjustment on the next invoice (-$1,972.00)");
    const done = await cli([...args, "--reason", "termination-of-employment", "--yes"]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain("-$1,972.00");

    expect((await cli(["portal", "clock", "advance", "31d"])).code).toBe(0);
    const feb = await json(["bill", "view", "--current", "--group", "G1000001"]);
    expect(feb.invoice.adjustments).toEqual([
      expect.objectContaining({ memberId, months: [jan.invoice.period], amountCents: -197_200 }),
    ]);
    const closed = await cli(args.map((a) => (a === jan.invoice.id ? dec.invoice.id : a)).concat("--yes"));
    expect(closed.code).toBe(6);
    expect(closed.stderr).toContain("closed");
    const statuses = await json(["bill", "list", "--group", "G1000001"]);
    expect(statuses.map((i: any) => i.status)).toEqual(["open", "closed", "closed"]);
  });

  it("amount-due requests: bad amounts and a missing reason are refused by name; a good one is verified", async () => {
    const { invoice } = await json(["bill", "view", "--current", "--group", "G1000001"]);
    for (const [amount, message] of [
      ["-5", "--amount must not be negative"],
      ["abc", "--amount must be an amount in dollars"],
      ["12.345", "--amount has more than 2 decimals"],
    ]) {
      const r = await cli(["bill", "amount-due", invoice.id, "--amount", amount!, "--reason", "x"]);
      expect(r.code, amount).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const noReason = await cli(["bill", "amount-due", invoice.id, "--amount", "10"]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("reason");
    const unknown = await cli(["bill", "amount-due", "inv_doesnotexist", "--amount", "10", "--reason", "x"]);
    expect(unknown.code).toBe(3);
    expect((await cli(["bill", "view", "inv_doesnotexist"])).code).toBe(3);

    const req = await json([
      "bill",
      "amount-due",
      invoice.id,
      "--amount",
      "1.00",
      "--reason",
      "we think it is a dollar",
    ]);
    expect(req.status).toBe("pending_verification");
    await cli(["portal", "clock", "advance", "1m"]);
    const after = await cli(["bill", "view", invoice.id]);
    expect(after.stdout).toContain("rejected");
    expect(after.stdout).toContain(req.id);
  });

  it("preferences: invalid addresses refused; e-mailed bills go out with the PDF when the next invoice is issued", async () => {
    const bad = await cli(["bill", "preferences", "--group", "G1000002", "--email-to", "nope"]);
    expect(bad.code).toBe(6);
    expect(bad.stderr).toContain("emailTo");
    const ok = await json([
      "bill",
      "preferences",
      "--group",
      "G1000002",
      "--email",
      "on",
      "--email-to",
      "ap@acme.example",
    ]);
    expect(ok).toEqual({
      groupNumber: "G1000002",
      paperBilling: true,
      emailBilling: true,
      emailTo: ["ap@acme.example"],
    });
    await cli(["portal", "clock", "advance", "31d"]);
    const mail = await json(["portal", "outbox", "--to", "ap@acme.example", "--last"]);
    expect(mail.subject).toMatch(/^Your premium bill G1000002-/);
  });
});
