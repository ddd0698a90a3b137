import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { usageError } from "../../cli/errors.js";
import { abaChecksumOk } from "../../contract/aba.js";

export default class PaymentMethodAdd extends BaseCommand {
  static override summary = "Add a bank account to pay bills from, under a nickname";
  static override description =
    "The account number is never a flag (other users can read process arguments): type it at the hidden prompt " +
    "(twice), or pipe it in with --account-number-stdin. The portal stores it encrypted and shows only the last " +
    "four digits (••••1234).";
  static override examples = [
    "<%= config.bin %> payment-method add --nickname operating --routing-number 011000015 --type checking",
    "printf '%s' \"$ACCOUNT\" | <%= config.bin %> payment-method add --group G1000001 --nickname reserve --routing-number 011000015 --type savings --account-number-stdin",
  ];
  static override flags = {
    nickname: Flags.string({
      description: "a name for the account, unique in the group (e.g. operating)",
      required: true,
    }),
    "routing-number": Flags.string({ description: "the bank's 9-digit ABA routing number", required: true }),
    type: Flags.option({ options: ["checking", "savings"] as const })({
      description: "account type",
      required: true,
    }),
    group: Flags.string({ description: "the group whose bills the account pays (when you see several)" }),
    "account-number-stdin": Flags.boolean({ description: "read the account number from standard input" }),
  };
  static override fieldFlags = {
    nickname: "--nickname",
    routingNumber: "--routing-number",
    accountNumber: "the account number",
    group: "--group",
  };

  async run() {
    const { flags } = await this.parse(PaymentMethodAdd);
    const routing = flags["routing-number"].trim();
    if (!/^\d{9}$/.test(routing)) throw usageError("--routing-number must be 9 digits");
    if (!abaChecksumOk(routing))
      throw usageError(`--routing-number ${routing} fails the ABA checksum`, "check the digits on the check");
    const prompt = await import("../../cli/prompt.js");
    let account: string;
    if (flags["account-number-stdin"]) account = (await prompt.readStdinSecret("account-number")).trim();
    else if (prompt.canPrompt())
      account = (await prompt.promptSecret("Account number", { confirm: true })).trim();
    else
      throw usageError(
        "no terminal to ask for the account number",
        "pipe it in with --account-number-stdin (never put an account number in a flag)",
      );
    if (!/^\d{4,17}$/.test(account))
      throw usageError("the account number must be 4 to 17 digits, nothing else");
    const m = await this.session(flags)
      .client()
      .call("paymentMethodCreate", {
        body: {
          nickname: flags.nickname,
          routingNumber: routing,
          accountNumber: account,
          type: flags.type,
          ...(flags.group ? { group: flags.group } : {}),
        },
      });
    this.note(
      `Added ${m.nickname}: ${m.type} ${m.accountMasked} at ${m.routingNumber} for ${m.groupNumber} (${m.id}).`,
    );
    return m;
  }
}
