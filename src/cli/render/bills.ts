import type { z } from "zod";
import type { AdjustResponse, InvoiceDetail, InvoiceLine, InvoiceSummary } from "../../contract/billing.js";
import { formatUsd, parseUsd } from "../../contract/money.js";
import type { PortalClient } from "../../client/portal-client.js";
import { CliError, ExitCode, usageError } from "../errors.js";
import { renderFields, renderTable, type Column } from "../output.js";

/** Rendering and file output for `hnctl bill …`. Money is cents until it is shown. */

export const usd = formatUsd;
export const statusWord = (s: string) => s.replaceAll("_", " ");

export const INVOICE_STATUS_OPTIONS = ["open", "partially_paid", "paid", "past_due", "closed"] as const;
export const LINE_STATUS_OPTIONS = ["active", "terminated", "cobra"] as const;

/** `--amount` as typed → cents, through the one USD parser both sides share; the message names the flag. */
export function amountFlag(raw: string, flag = "--amount"): number {
  const parsed = parseUsd(raw);
  if (!parsed.ok) throw usageError(`${flag} ${parsed.message}`, "give dollars and cents, e.g. 1234.56");
  return parsed.cents;
}

export const invoiceColumns: Column<InvoiceSummary>[] = [
  { header: "invoice", get: (i) => i.id },
  { header: "number", get: (i) => i.number },
  { header: "group", get: (i) => i.groupNumber },
  { header: "period", get: (i) => i.period },
  { header: "issued", get: (i) => i.issueDate },
  { header: "due", get: (i) => i.dueDate },
  { header: "status", get: (i) => statusWord(i.status) },
  { header: "amount due", get: (i) => usd(i.totals.amountDueCents) },
  { header: "balance", get: (i) => usd(i.balanceCents) },
];

export const lineColumns: Column<InvoiceLine>[] = [
  { header: "member", get: (l) => l.memberId },
  { header: "subscriber", get: (l) => l.subscriberName },
  { header: "employee", get: (l) => l.employeeNumber },
  { header: "subgroup", get: (l) => l.subgroup ?? "" },
  { header: "location", get: (l) => l.location },
  { header: "plan", get: (l) => l.planCode ?? "" },
  { header: "tier", get: (l) => l.tier ?? "" },
  { header: "status", get: (l) => l.status },
  {
    header: "covered people",
    get: (l) => l.people.map((p) => `${p.name} (${p.relationship}, ${p.status})`).join("; "),
  },
  { header: "premium", get: (l) => usd(l.premiumCents) },
];

const adjustmentColumns: Column<InvoiceDetail["adjustments"][number]>[] = [
  { header: "member", get: (a) => a.memberId },
  { header: "subscriber", get: (a) => a.subscriberName },
  { header: "months", get: (a) => a.months.join(", ") },
  { header: "reason", get: (a) => a.reason },
  { header: "amount", get: (a) => usd(a.amountCents) },
];

/** Header, totals, adjustments, pending adjustments, amount-due requests and payments: what precedes the lines. */
export async function renderInvoice(bill: InvoiceDetail): Promise<string> {
  const t = bill.totals;
  const parts = [
    renderFields([
      ["Invoice", `${bill.number} (${bill.id})`],
      ["Employer", `${bill.employerName}, policyholder ID ${bill.policyholderId}`],
      ["Group", `${bill.groupNumber} ${bill.groupName}`],
      ["Period", bill.period],
      ["Issued", bill.issueDate],
      ["Due", bill.dueDate],
      ["Status", statusWord(bill.status)],
    ]),
    "",
    renderFields([
      ["Previous balance", usd(t.previousBalanceCents)],
      ["Payments received", usd(-t.paymentsCents)],
      ["Adjustments", usd(t.adjustmentsCents)],
      ["Current charges", usd(t.currentChargesCents)],
      ["Amount due", usd(t.amountDueCents)],
      ["Received since issue", usd(bill.paidCents)],
      ["Balance", usd(bill.balanceCents)],
    ]),
  ];
  if (bill.adjustments.length)
    parts.push("", "Adjustments:", await renderTable(bill.adjustments, adjustmentColumns));
  if (bill.pendingAdjustments.length)
    parts.push(
      "",
      "Pending adjustments (changes since this bill; they appear on the next one):",
      await renderTable(bill.pendingAdjustments, adjustmentColumns),
    );
  if (bill.amountDueRequests.length)
    parts.push(
      "",
      "Amount-due requests:",
      await renderTable(bill.amountDueRequests, [
        { header: "request", get: (r) => r.id },
        { header: "line", get: (r) => r.memberId ?? "total" },
        { header: "amount", get: (r) => usd(r.amountCents) },
        { header: "reason", get: (r) => r.reason },
        { header: "state", get: (r) => r.status },
        { header: "verification", get: (r) => r.verification ?? "" },
      ]),
    );
  if (bill.payments.length)
    parts.push(
      "",
      "Payments received:",
      await renderTable(bill.payments, [
        { header: "payment", get: (p) => p.id },
        { header: "date", get: (p) => p.appliedAt.slice(0, 10) },
        { header: "amount", get: (p) => usd(p.amountCents) },
      ]),
    );
  return parts.join("\n");
}

export function renderPending(res: z.output<typeof AdjustResponse>): string {
  if (!res.pendingAdjustments.length)
    return "No adjustment: the change does not touch a month already billed.";
  const rows = res.pendingAdjustments.map(
    (p) => `  ${p.month}  ${usd(p.amountCents).padStart(12)}  ${p.reason}`,
  );
  return [`Pending adjustment on the next invoice (${usd(res.pendingTotalCents)}):`, ...rows].join("\n");
}

export interface LineFilter {
  member?: string;
  status?: (typeof LINE_STATUS_OPTIONS)[number];
  subgroup?: string;
}

/** Every line, a page at a time: never the whole invoice in memory. */
export async function* eachLine(
  client: PortalClient,
  invoiceId: string,
  filter: LineFilter,
  pageSize = 1000,
): AsyncGenerator<InvoiceLine> {
  let cursor: string | undefined;
  do {
    const page = await client.call("invoiceLines", {
      params: { invoiceId },
      query: { ...filter, limit: pageSize, ...(cursor ? { cursor } : {}) },
    });
    yield* page.lines;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** `--csv`: streams every line to stdout page by page (formula-escaped), respecting back-pressure. */
export async function streamCsv(
  lines: AsyncIterable<InvoiceLine>,
  out: NodeJS.WritableStream,
): Promise<number> {
  const { stringify } = await import("csv-stringify/sync");
  const write = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const ok = out.write(text, (err) => (err ? reject(err) : undefined));
      if (ok) resolve();
      else out.once("drain", resolve);
    });
  const headers = [...lineColumns.map((c) => c.header), "premium_cents"];
  await write(stringify([headers], { escape_formulas: true }));
  let batch: string[][] = [];
  let count = 0;
  for await (const l of lines) {
    batch.push([...lineColumns.map((c) => String(c.get(l) ?? "")), String(l.premiumCents)]);
    count++;
    if (batch.length >= 1000) {
      await write(stringify(batch, { escape_formulas: true }));
      batch = [];
    }
  }
  if (batch.length) await write(stringify(batch, { escape_formulas: true }));
  return count;
}

/**
 * `--pdf FILE`: renders into a temporary file next to FILE and renames it into place, so a failure never
 * leaves a partial bill behind.
 */
export async function writePdfFile(
  bill: InvoiceDetail,
  lines: AsyncIterable<InvoiceLine>,
  file: string,
): Promise<string> {
  const { createWriteStream } = await import("node:fs");
  const { rename, unlink } = await import("node:fs/promises");
  const { dirname, basename, join, resolve } = await import("node:path");
  const target = resolve(file);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  const cannot = (err: unknown) =>
    new CliError(
      `cannot write ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "the folder does not exist" : ((err as Error).message ?? String(err))}`,
      ExitCode.error,
      "write_failed",
      "choose a path in a folder you can write to",
    );
  const out = createWriteStream(temp, { flags: "wx", mode: 0o644 });
  await new Promise<void>((res, rej) => {
    out.once("open", () => res());
    out.once("error", (err) => rej(cannot(err)));
  });
  try {
    const { writeBillPdf } = await import("../../shared/bill-pdf.js");
    await writeBillPdf(bill, lines, out);
    await rename(temp, target).catch((err: unknown) => {
      throw cannot(err);
    });
  } catch (err) {
    out.destroy();
    await unlink(temp).catch(() => undefined);
    throw err instanceof CliError ? err : cannot(err);
  }
  return target;
}
