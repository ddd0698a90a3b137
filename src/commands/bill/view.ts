import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { usageError } from "../../cli/errors.js";
import { renderTable } from "../../cli/output.js";
import {
  eachLine,
  LINE_STATUS_OPTIONS,
  lineColumns,
  renderInvoice,
  streamCsv,
  writePdfFile,
} from "../../cli/render/bills.js";

export default class BillView extends BaseCommand {
  static override summary = "Show an invoice: header, totals, adjustments, amount-due requests and its lines";
  static override description =
    "Without an invoice ID (or with --current) shows the group's latest invoice. The lines are one per subscriber " +
    "(plan, tier, covered people with their status, premium); people see the first page, --csv streams them all, " +
    "--pdf writes the printable bill.";
  static override examples = [
    "<%= config.bin %> bill view --current",
    "<%= config.bin %> bill view inv_0123abcd --status terminated",
    "<%= config.bin %> bill view --current --group G1000001 --csv > lines.csv",
    "<%= config.bin %> bill view --current --pdf bill.pdf",
  ];
  static override args = {
    invoiceId: Args.string({ description: "invoice ID (see `hnctl bill list`)" }),
  };
  static override flags = {
    current: Flags.boolean({ description: "the group's latest invoice", exclusive: ["invoiceId"] }),
    group: Flags.string({ description: "with --current: the group (needed when you see several)" }),
    member: Flags.string({ description: "only this member's line (mbr_…)" }),
    status: Flags.option({ options: LINE_STATUS_OPTIONS })({ description: "only lines in this status" }),
    subgroup: Flags.string({ description: "only lines of this subgroup, e.g. SAL" }),
    limit: Flags.integer({ description: "lines shown (first page)", default: 50, min: 1, max: 1000 }),
    csv: Flags.boolean({ description: "every line as CSV (streamed)", exclusive: ["json", "pdf"] }),
    pdf: Flags.string({ description: "write the printable bill to this PDF file", exclusive: ["csv"] }),
  };

  async run() {
    const { args, flags } = await this.parse(BillView);
    if (args.invoiceId && flags.current) throw usageError("give an invoice ID or --current, not both");
    const client = this.session(flags).client();
    const bill = args.invoiceId
      ? await client.call("invoiceGet", { params: { invoiceId: args.invoiceId } })
      : await client.call("invoiceCurrent", { query: { group: flags.group } });
    const filter = { member: flags.member, status: flags.status, subgroup: flags.subgroup };
    if (flags.csv) {
      const count = await streamCsv(eachLine(client, bill.id, filter), process.stdout);
      this.note(`${count} line(s) of ${bill.number}.`);
      return;
    }
    if (flags.pdf) {
      const file = await writePdfFile(bill, eachLine(client, bill.id, filter), flags.pdf);
      this.note(`Wrote the bill ${bill.number} to ${file}`);
      if (this.jsonEnabled()) return { invoice: bill, pdf: file };
      return;
    }
    const page = await client.call("invoiceLines", {
      params: { invoiceId: bill.id },
      query: { ...filter, limit: flags.limit },
    });
    if (!this.jsonEnabled()) {
      this.log(await renderInvoice(bill));
      this.log("");
      this.log(page.lines.length ? await renderTable(page.lines, lineColumns) : "No lines match.");
      if (page.nextCursor)
        this.note(`Showing ${page.lines.length} of ${bill.lineCount} lines; --csv gives every line.`);
    }
    return { invoice: bill, lines: page.lines, nextCursor: page.nextCursor };
  }
}
