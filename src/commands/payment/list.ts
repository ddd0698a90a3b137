import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { listFlags } from "../../cli/flags.js";
import { paymentColumns } from "../../cli/payments.js";

export default class PaymentList extends BaseCommand {
  static override summary =
    "List payments: scheduled, processing, settled, returned (with the ACH code) or cancelled";
  static override examples = [
    "<%= config.bin %> payment list",
    "<%= config.bin %> payment list --status returned",
    "<%= config.bin %> payment list --invoice inv_0123abcd --csv > payments.csv",
  ];
  static override flags = {
    status: Flags.option({
      options: ["scheduled", "processing", "settled", "returned", "cancelled"] as const,
    })({
      description: "only payments in this status",
    }),
    group: Flags.string({ description: "only this group's payments, e.g. G1000001" }),
    invoice: Flags.string({ description: "only payments of this invoice (inv_…)" }),
    ...listFlags,
  };

  async run() {
    const { flags } = await this.parse(PaymentList);
    const { payments } = await this.session(flags)
      .client()
      .call("paymentList", { query: { status: flags.status, group: flags.group, invoice: flags.invoice } });
    await this.printList(payments, paymentColumns, { csv: flags.csv, empty: "No payments." });
    return payments;
  }
}
