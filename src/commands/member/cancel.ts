import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { confirmDestructive } from "../../cli/confirm.js";
import { yesFlag } from "../../cli/flags.js";
import { parseDate, parseMemberId } from "../../cli/parse.js";
import { renderCancelPreview } from "../../cli/render/members.js";
import { CANCEL_REASONS } from "../../contract/enums.js";

export default class MemberCancel extends BaseCommand {
  static override summary =
    "Cancel a member's coverage (and their dependents'), after a preview and a confirmation";
  static override description =
    "Shows everyone and everything whose coverage ends and the premium effect, then asks you to type the member ID " +
    "back (at a terminal) or requires --yes (in scripts). --dry-run shows the preview only. The date is the last day " +
    "of coverage: the end of a month, at most 60 days in the past. A cancelled member can be reinstated within 60 days.";
  static override examples = [
    "<%= config.bin %> member cancel mbr_0a1b2c3d4e5f60718293a4b5 --date 2026-12-31 --reason termination-of-employment --dry-run",
    "<%= config.bin %> member cancel mbr_0a1b2c3d4e5f60718293a4b5 --date 2026-12-31 --reason voluntary --yes",
  ];
  static override args = { memberId: Args.string({ description: "member ID (mbr_…)", required: true }) };
  static override flags = {
    date: Flags.string({ description: "last day of coverage (YYYY-MM-DD, end of a month)", required: true }),
    reason: Flags.option({ options: CANCEL_REASONS })({ description: "why coverage ends", required: true }),
    "dry-run": Flags.boolean({ description: "show what would end, change nothing" }),
    ...yesFlag,
  };
  static override fieldFlags = { terminationDate: "--date", reason: "--reason" };

  async run() {
    const { args, flags } = await this.parse(MemberCancel);
    const memberId = parseMemberId("MEMBER_ID", args.memberId);
    const body = { terminationDate: parseDate("--date", flags.date), reason: flags.reason };
    const client = this.session(flags).client();
    const preview = await client.call("memberCancelPreview", { params: { memberId }, body });
    this.log(renderCancelPreview(preview));
    if (flags["dry-run"]) {
      this.note("Dry run: nothing was changed.");
      return { dryRun: true, preview };
    }
    await confirmDestructive({
      yes: flags.yes,
      action: `Cancel coverage of ${memberId}`,
      typeBack: memberId,
    });
    // The preview's version: if anyone changed the member since, the portal refuses instead of cancelling something else.
    const result = await client.call("memberCancel", {
      params: { memberId },
      body: { ...body, version: preview.version },
    });
    this.note(`Cancelled ${memberId}: coverage ends ${result.ended.terminationDate}.`);
    return { dryRun: false, preview: result.ended, member: result.member };
  }
}
