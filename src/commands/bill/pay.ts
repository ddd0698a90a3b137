import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { CliError, ExitCode } from "../../cli/errors.js";
import { yesFlag } from "../../cli/flags.js";
import { parseDate } from "../../cli/parse.js";
import {
  confirmOrYes,
  describeAllocations,
  parseAllocations,
  paymentColumns,
  sendIdempotent,
} from "../../cli/payments.js";
import { usd } from "../../cli/render/bills.js";

export default class BillPay extends BaseCommand {
  static override summary = "Pay an invoice today or on a date, from one or several bank accounts";
  static override description =
    "Each --from names an account by nickname with the amount it pays; one --from without an amount pays the " +
    "rest of what is due. The total may not exceed what is still due unless --allow-overpay. An Idempotency-Key " +
    "is kept in the config dir before the request is sent, so running the same command again after a crash or " +
    "timeout never pays twice.";
  static override examples = [
    "<%= config.bin %> bill pay --from operating",
    "<%= config.bin %> bill pay inv_0123abcd --from operating=1200.00 --from reserve --date 2026-12-01",
    "<%= config.bin %> bill pay --group G1000002 --from payroll=500 --yes --json",
  ];
  static override args = {
    invoiceId: Args.string({ description: "invoice ID (default: the group's current invoice)" }),
  };
  static override flags = {
    from: Flags.string({
      description:
        "NICKNAME[=AMOUNT]: an account and what it pays (repeatable; one may leave out the amount)",
      multiple: true,
      required: true,
    }),
    date: Flags.string({ description: "the day to pay (YYYY-MM-DD; default today, at most a year ahead)" }),
    group: Flags.string({ description: "the group whose current invoice to pay (when you see several)" }),
    "allow-overpay": Flags.boolean({ description: "allow paying more than is still due" }),
    ...yesFlag,
  };
  static override fieldFlags = {
    allocations: "--from",
    date: "--date",
    method: "--from",
    amountCents: "--from",
  };

  async run() {
    const { args, flags } = await this.parse(BillPay);
    const allocations = parseAllocations(flags.from);
    const date = flags.date ? parseDate("--date", flags.date) : undefined;
    const session = this.session(flags);
    const client = session.client();
    const invoice = args.invoiceId
      ? await client.call("invoiceGet", { params: { invoiceId: args.invoiceId } })
      : await client.call("invoiceCurrent", { query: { group: flags.group } });
    const fixed = allocations.reduce((s, a) => s + (a.amountCents ?? 0), 0);
    if (invoice.balanceCents <= 0)
      throw new CliError(
        `invoice ${invoice.number} is paid; nothing is due`,
        ExitCode.invalid,
        "invoice_paid",
      );
    if (fixed > invoice.balanceCents && !flags["allow-overpay"])
      throw new CliError(
        `the amounts total ${usd(fixed)}, more than the ${usd(invoice.balanceCents)} due on ${invoice.number}`,
        ExitCode.invalid,
        "overpay",
        "lower the amounts, or pass --allow-overpay",
      );
    this.note(
      `Pay invoice ${invoice.number} (${invoice.groupNumber}, balance ${usd(invoice.balanceCents)}) ` +
        `on ${date ?? "today"}: ${describeAllocations(allocations)}.`,
    );
    await confirmOrYes({ yes: flags.yes, question: "Make this payment?", what: "bill pay" });
    const batch = await sendIdempotent(
      session,
      "paymentCreate",
      {
        body: {
          invoiceId: invoice.id,
          allocations,
          ...(date ? { date } : {}),
          ...(flags["allow-overpay"] ? { allowOverpay: true } : {}),
        },
      },
      (m) => this.note(m),
    );
    await this.printList(batch.payments, paymentColumns, { empty: "" });
    this.note(
      `Scheduled ${usd(batch.totalCents)} for ${invoice.number}; follow it with \`hnctl payment list\` (settles one business day after the pay date).`,
    );
    return batch;
  }
}
