import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { yesFlag } from "../../cli/flags.js";
import { confirmOrYes, resolveMethodId } from "../../cli/payments.js";

export default class PaymentMethodRemove extends BaseCommand {
  static override summary = "Remove a bank account (refused while a scheduled payment or a schedule uses it)";
  static override examples = ["<%= config.bin %> payment-method remove reserve --yes"];
  static override args = { method: Args.string({ description: "nickname or ID (pm_…)", required: true }) };
  static override flags = {
    group: Flags.string({ description: "the group the nickname is in (when you see several)" }),
    ...yesFlag,
  };

  async run() {
    const { args, flags } = await this.parse(PaymentMethodRemove);
    const session = this.session(flags);
    const methodId = await resolveMethodId(session, args.method, flags.group);
    await confirmOrYes({ yes: flags.yes, question: `Remove ${args.method}?`, what: "payment-method remove" });
    const removed = await session.client().call("paymentMethodRemove", { params: { methodId } });
    this.note(`Removed ${removed.nickname}.`);
    return removed;
  }
}
