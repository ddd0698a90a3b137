import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { listFlags } from "../../cli/flags.js";
import { methodColumns } from "../../cli/payments.js";

export default class PaymentMethodList extends BaseCommand {
  static override summary = "List bank accounts: nickname, routing number, ••••last 4, type";
  static override examples = [
    "<%= config.bin %> payment-method list",
    "<%= config.bin %> payment-method list --group G1000001 --json",
  ];
  static override flags = {
    group: Flags.string({ description: "only this group's accounts" }),
    ...listFlags,
  };

  async run() {
    const { flags } = await this.parse(PaymentMethodList);
    const { paymentMethods } = await this.session(flags)
      .client()
      .call("paymentMethodList", { query: { group: flags.group } });
    await this.printList(paymentMethods, methodColumns, { csv: flags.csv, empty: "No payment methods." });
    return paymentMethods;
  }
}
