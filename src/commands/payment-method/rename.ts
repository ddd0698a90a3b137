import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { resolveMethodId } from "../../cli/payments.js";

export default class PaymentMethodRename extends BaseCommand {
  static override summary = "Give a bank account another nickname";
  static override examples = ["<%= config.bin %> payment-method rename operating --to main"];
  static override args = { method: Args.string({ description: "nickname or ID (pm_…)", required: true }) };
  static override flags = {
    to: Flags.string({ description: "the new nickname", required: true }),
    group: Flags.string({ description: "the group the nickname is in (when you see several)" }),
  };
  static override fieldFlags = { nickname: "--to" };

  async run() {
    const { args, flags } = await this.parse(PaymentMethodRename);
    const session = this.session(flags);
    const methodId = await resolveMethodId(session, args.method, flags.group);
    const m = await session
      .client()
      .call("paymentMethodUpdate", { params: { methodId }, body: { nickname: flags.to } });
    this.note(`Renamed ${args.method} to ${m.nickname} (${m.accountMasked}).`);
    return m;
  }
}
