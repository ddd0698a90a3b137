import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { usageError } from "../../cli/errors.js";
import { amountFlag, usd } from "../../cli/render/bills.js";

export default class BillAmountDue extends BaseCommand {
  static override summary = "Propose a different amount due (total or one line), with a reason";
  static override description =
    "The request is pending_verification until the portal checks it against the roster (within a minute): " +
    "accepted when enrollment changes since the invoice was issued explain the difference exactly, rejected " +
    "otherwise with the reason. `hnctl bill view` shows the request and its state.";
  static override examples = [
    "<%= config.bin %> bill amount-due inv_0123abcd --amount 41,230.00 --reason 'E1007 left on Nov 30'",
    "<%= config.bin %> bill amount-due inv_0123abcd --line mbr_4567ef --amount 0 --reason 'terminated'",
  ];
  static override args = { invoiceId: Args.string({ description: "invoice ID", required: true }) };
  static override flags = {
    amount: Flags.string({
      description: "the amount you propose, in dollars (e.g. 1234.56)",
      required: true,
    }),
    reason: Flags.string({ description: "why the amount differs", required: true }),
    line: Flags.string({
      description: "propose the amount of this member's line (mbr_…) instead of the total",
    }),
  };

  async run() {
    const { args, flags } = await this.parse(BillAmountDue);
    const amountCents = amountFlag(flags.amount);
    if (!flags.reason.trim()) throw usageError("--reason is required: say why the amount differs");
    const request = await this.session(flags)
      .client()
      .call("amountDueRequest", {
        params: { invoiceId: args.invoiceId },
        body: { amountCents, reason: flags.reason, ...(flags.line ? { memberId: flags.line } : {}) },
      });
    this.log(
      `Request ${request.id}: ${usd(request.amountCents)} for ${request.memberId ?? "the invoice"} is ${request.status}.`,
    );
    this.note(
      "The portal verifies it against the roster within a minute; `hnctl bill view` shows the outcome.",
    );
    return request;
  }
}
