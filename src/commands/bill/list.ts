import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { listFlags } from "../../cli/flags.js";
import { INVOICE_STATUS_OPTIONS, invoiceColumns } from "../../cli/render/bills.js";

export default class BillList extends BaseCommand {
  static override summary = "List invoices: open, partially paid, paid, past due or closed, per group";
  static override examples = [
    "<%= config.bin %> bill list",
    "<%= config.bin %> bill list --status past_due",
    "<%= config.bin %> bill list --group G1000001 --csv > invoices.csv",
  ];
  static override flags = {
    status: Flags.option({ options: INVOICE_STATUS_OPTIONS })({
      description: "only invoices in this status",
    }),
    group: Flags.string({ description: "only this group's invoices, e.g. G1000001" }),
    ...listFlags,
  };

  async run() {
    const { flags } = await this.parse(BillList);
    const { invoices } = await this.session(flags)
      .client()
      .call("invoiceList", { query: { status: flags.status, group: flags.group } });
    await this.printList(invoices, invoiceColumns, { csv: flags.csv, empty: "No invoices." });
    return invoices;
  }
}
