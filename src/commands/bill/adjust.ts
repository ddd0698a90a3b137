import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { confirmDestructive } from "../../cli/confirm.js";
import { usageError } from "../../cli/errors.js";
import { yesFlag } from "../../cli/flags.js";
import { renderPending, usd } from "../../cli/render/bills.js";

const REASONS = [
  "termination-of-employment",
  "voluntary",
  "death",
  "divorce",
  "ineligible",
  "non-payment",
  "other",
] as const;

export default class BillAdjust extends BaseCommand {
  static override summary = "Last-minute roster change on an open invoice: terminate or add a member";
  static override description =
    "Makes the real enrollment change, by the same rules as `member cancel` / `member enroll`, and shows the " +
    "pending adjustment it produces on the next invoice. A termination shows what ends and asks you to type the " +
    "member ID back (or --yes when not at a terminal); --dry-run only shows it.";
  static override examples = [
    "<%= config.bin %> bill adjust inv_0123abcd --member mbr_4567ef --terminate 2026-11-30 --reason termination-of-employment",
    "<%= config.bin %> bill adjust inv_0123abcd --member mbr_4567ef --terminate 2026-11-30 --yes",
    "<%= config.bin %> bill adjust inv_0123abcd --add new-hire.json --dry-run",
  ];
  static override args = { invoiceId: Args.string({ description: "invoice ID", required: true }) };
  static override flags = {
    member: Flags.string({ description: "the member to terminate (mbr_…)", dependsOn: ["terminate"] }),
    terminate: Flags.string({
      description: "last day of coverage (end of a month)",
      dependsOn: ["member"],
      exclusive: ["add"],
    }),
    reason: Flags.option({ options: REASONS })({ description: "why coverage ends", default: "other" }),
    add: Flags.string({
      description: "enroll a member: a JSON file with the enrollment (as `member enroll --file`)",
      exclusive: ["terminate", "member"],
    }),
    "dry-run": Flags.boolean({ description: "show what would change and the adjustment; change nothing" }),
    ...yesFlag,
  };

  async run() {
    const { args, flags } = await this.parse(BillAdjust);
    const client = this.session(flags).client();
    const params = { invoiceId: args.invoiceId };
    if (flags.terminate && flags.member) {
      const body = { memberId: flags.member, terminationDate: flags.terminate, reason: flags.reason };
      const preview = await client.call("invoiceAdjustTerminate", {
        params,
        body: { ...body, dryRun: true },
      });
      const c = preview.cancel!;
      this.note(
        [
          `Terminating ${c.memberId} after ${c.terminationDate} (${c.reason}) ends coverage for:`,
          ...c.people.map(
            (p) => `  ${p.firstName} ${p.lastName} (${p.relationship}) from ${p.coverageStart}`,
          ),
          `Premium ${usd(c.premium.currentMonthlyCents)} → ${usd(0)} a month; last month billed ${c.premium.lastMonthBilled}.`,
          renderPending(preview),
        ].join("\n"),
      );
      if (flags["dry-run"]) return preview;
      await confirmDestructive({ yes: flags.yes, action: `Terminate ${c.memberId}`, typeBack: c.memberId });
      const done = await client.call("invoiceAdjustTerminate", {
        params,
        body: { ...body, version: c.version },
      });
      this.log(renderPending(done));
      this.note(
        `Terminated ${c.memberId}; \`hnctl bill view ${args.invoiceId}\` shows the pending adjustment.`,
      );
      return done;
    }
    if (flags.add) {
      const { readFile } = await import("node:fs/promises");
      let enrollment: unknown;
      try {
        enrollment = JSON.parse(await readFile(flags.add, "utf8"));
      } catch (err) {
        throw usageError(`--add ${flags.add}: ${(err as Error).message}`, "a JSON file with the enrollment");
      }
      const body = { enrollment: enrollment as never };
      const preview = await client.call("invoiceAdjustAdd", { params, body: { ...body, dryRun: true } });
      this.note(renderPending(preview));
      if (flags["dry-run"]) return preview;
      const done = await client.call("invoiceAdjustAdd", { params, body });
      this.log(renderPending(done));
      this.note(
        `Enrolled ${done.memberId}; \`hnctl bill view ${args.invoiceId}\` shows the pending adjustment.`,
      );
      return done;
    }
    throw usageError("say what changes: --member MEMBER_ID --terminate DATE, or --add FILE.json");
  }
}
