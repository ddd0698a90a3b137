import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../cli/base-command.js";
import { renderFields } from "../../cli/output.js";
import { usd } from "../../cli/render/bills.js";

export default class PaymentShow extends BaseCommand {
  static override summary =
    "Show a payment and its status (with the ACH return code and meaning when returned)";
  static override examples = ["<%= config.bin %> payment show pay_0123abcd"];
  static override args = { paymentId: Args.string({ description: "payment ID (pay_…)", required: true }) };

  async run() {
    const { args, flags } = await this.parse(PaymentShow);
    const p = await this.session(flags)
      .client()
      .call("paymentGet", { params: { paymentId: args.paymentId } });
    if (!this.jsonEnabled())
      this.log(
        renderFields([
          ["Payment", p.id],
          ["Status", p.status],
          ...(p.returnCode
            ? ([["Returned", `${p.returnCode} ${p.returnReason}`]] as [string, string][])
            : []),
          ["Amount", usd(p.amountCents)],
          ["Account", `${p.method.nickname} ${p.method.accountMasked} (${p.method.type})`],
          ["Invoice", `${p.invoiceNumber} (${p.invoiceId})`],
          ["Group", p.groupNumber],
          ["Pay date", p.payDate],
          ["Settles", p.settleDate ?? "when processing starts: the next business day after the pay date"],
          ["Batch", p.batchId],
          ...(p.scheduleId ? ([["Schedule", p.scheduleId]] as [string, string][]) : []),
        ]),
      );
    return p;
  }
}
