import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../cli/base-command.js";
import { yesFlag } from "../../cli/flags.js";
import { confirmOrYes } from "../../cli/payments.js";
import { usd } from "../../cli/render/bills.js";

export default class PaymentCancel extends BaseCommand {
  static override summary = "Cancel a payment (only while it is scheduled)";
  static override examples = ["<%= config.bin %> payment cancel pay_0123abcd --yes"];
  static override args = { paymentId: Args.string({ description: "payment ID (pay_…)", required: true }) };
  static override flags = { ...yesFlag };

  async run() {
    const { args, flags } = await this.parse(PaymentCancel);
    await confirmOrYes({
      yes: flags.yes,
      question: `Cancel payment ${args.paymentId}?`,
      what: "payment cancel",
    });
    const p = await this.session(flags)
      .client()
      .call("paymentCancel", { params: { paymentId: args.paymentId } });
    this.note(`Cancelled ${p.id}: ${usd(p.amountCents)} from ${p.method.nickname} for ${p.invoiceNumber}.`);
    return p;
  }
}
