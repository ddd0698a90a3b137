import type { Writable } from "node:stream";
import type { InvoiceDetail, InvoiceLine } from "../contract/billing.js";
import { formatUsd } from "../contract/money.js";

/**
 * The printable bill: everything the paper bill shows (header, totals, adjustments with their months,
 * pending adjustments, amount-due requests, one line per subscriber with covered people and premium).
 * Shared by the CLI (`bill view --pdf`) and the portal (the e-mailed bill). pdfkit is loaded here, on use.
 */
type Cell = [text: string, width: number, align?: "left" | "right"];

export async function writeBillPdf(
  bill: InvoiceDetail,
  lines: AsyncIterable<InvoiceLine> | Iterable<InvoiceLine>,
  out: Writable,
): Promise<void> {
  const { default: PDFDocument } = await import("pdfkit");
  const doc = new PDFDocument({
    size: "LETTER",
    margin: 50,
    info: { Title: `Premium bill ${bill.number}`, Author: "hnctl" },
  });
  const done = new Promise<void>((resolve, reject) => {
    out.on("finish", resolve);
    out.on("error", reject);
    doc.on("error", reject);
  });
  doc.pipe(out);
  const left = 50;
  const width = doc.page.width - 100;
  const bottom = () => doc.page.height - 60;
  const ensure = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage();
  };
  const row = (cells: Cell[], bold = false) => {
    ensure(14);
    const y = doc.y;
    doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(8);
    let x = left;
    for (const [text, w, align] of cells) {
      doc.text(text, x, y, { width: w - 4, align: align ?? "left", lineBreak: false, ellipsis: true });
      x += w;
    }
    doc.x = left;
    doc.y = y + 12;
  };

  doc.font("Helvetica-Bold").fontSize(16).text("Group premium bill", left, 50);
  doc.font("Helvetica").fontSize(10).moveDown(0.5);
  doc.text(`${bill.employerName} - policyholder ID ${bill.policyholderId}`);
  doc.text(`Group ${bill.groupNumber} - ${bill.groupName}`);
  doc.text(`Invoice ${bill.number} (${bill.id})`);
  doc.text(`Coverage month ${bill.period} - issued ${bill.issueDate} - due ${bill.dueDate}`);
  doc.text(`Status: ${bill.status.replace("_", " ")}`);
  doc.moveDown();

  doc.font("Helvetica-Bold").fontSize(11).text("Summary");
  const t = bill.totals;
  for (const [label, cents] of [
    ["Previous balance", t.previousBalanceCents],
    ["Payments received", -t.paymentsCents],
    ["Adjustments", t.adjustmentsCents],
    ["Current charges", t.currentChargesCents],
    ["Amount due", t.amountDueCents],
  ] as const)
    row(
      [
        [label, 200],
        [formatUsd(cents), 100, "right"],
      ],
      label === "Amount due",
    );
  if (bill.paidCents)
    row([
      ["Received since issue", 200],
      [formatUsd(bill.paidCents), 100, "right"],
    ]);
  doc.moveDown();

  const adjustmentTable = (title: string, items: InvoiceDetail["adjustments"]) => {
    if (!items.length) return;
    ensure(40);
    doc.font("Helvetica-Bold").fontSize(11).text(title, left);
    row(
      [
        ["Subscriber", 130],
        ["Member", 150],
        ["Months", 90],
        ["Reason", 0.0 + width - 450],
        ["Amount", 80, "right"],
      ],
      true,
    );
    for (const a of items)
      row([
        [a.subscriberName, 130],
        [a.memberId, 150],
        [a.months.join(", "), 90],
        [a.reason, width - 450],
        [formatUsd(a.amountCents), 80, "right"],
      ]);
    doc.moveDown();
  };
  adjustmentTable("Adjustments", bill.adjustments);
  adjustmentTable("Pending adjustments (will appear on the next bill)", bill.pendingAdjustments);

  if (bill.amountDueRequests.length) {
    ensure(40);
    doc.font("Helvetica-Bold").fontSize(11).text("Amount-due requests", left);
    for (const r of bill.amountDueRequests)
      row([
        [r.id, 150],
        [r.memberId ?? "total", 150],
        [formatUsd(r.amountCents), 70, "right"],
        [`${r.status.replace("_", " ")}${r.verification ? `: ${r.verification}` : ""}`, width - 370],
      ]);
    doc.moveDown();
  }

  ensure(40);
  doc.font("Helvetica-Bold").fontSize(11).text("Premium by subscriber", left);
  const header = () =>
    row(
      [
        ["Subscriber", 120],
        ["Employee", 55],
        ["Plan / tier", 75],
        ["Status", 55],
        ["Covered people", width - 385],
        ["Premium", 80, "right"],
      ],
      true,
    );
  header();
  let count = 0;
  let total = 0;
  for await (const l of lines) {
    count++;
    total += l.premiumCents;
    const people = l.people.map((p) => `${p.name} (${p.relationship}, ${p.status})`).join("; ");
    row([
      [l.subscriberName, 120],
      [l.employeeNumber, 55],
      [`${l.planCode ?? ""} ${l.tier ?? ""}`, 75],
      [l.status, 55],
      [people, width - 385],
      [formatUsd(l.premiumCents), 80, "right"],
    ]);
  }
  row(
    [
      [`${count} line(s)`, width - 80],
      [formatUsd(total), 80, "right"],
    ],
    true,
  );
  doc.end();
  await done;
}

/** The bill as a Buffer (for an e-mail attachment). */
export async function renderBillPdf(
  bill: InvoiceDetail,
  lines: AsyncIterable<InvoiceLine> | Iterable<InvoiceLine>,
): Promise<Buffer> {
  const { PassThrough } = await import("node:stream");
  const sink = new PassThrough();
  const parts: Buffer[] = [];
  sink.on("data", (d: Buffer) => parts.push(d));
  await writeBillPdf(bill, lines, sink);
  return Buffer.concat(parts);
}
