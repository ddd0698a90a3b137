import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../cli/base-command.js";
import { listFlags } from "../../cli/flags.js";
import { parseMemberId } from "../../cli/parse.js";

export default class MemberHistory extends BaseCommand {
  static override summary =
    "Every enrollment transaction of a member: additions, changes, terminations, reinstatements, COBRA";
  static override description =
    "Each row carries its X12 834 maintenance type (INS03) and reason (INS04), who made it, and when.";
  static override examples = [
    "<%= config.bin %> member history mbr_0a1b2c3d4e5f60718293a4b5",
    "<%= config.bin %> member history mbr_0a1b2c3d4e5f60718293a4b5 --csv",
  ];
  static override args = { memberId: Args.string({ description: "member ID (mbr_…)", required: true }) };
  static override flags = { ...listFlags };

  async run() {
    const { args, flags } = await this.parse(MemberHistory);
    const { transactions } = await this.session(flags)
      .client()
      .call("memberHistory", { params: { memberId: parseMemberId("MEMBER_ID", args.memberId) } });
    await this.printList(
      transactions,
      [
        { header: "at", get: (t) => t.at },
        { header: "type", get: (t) => t.type },
        { header: "x12", get: (t) => `${t.maintenanceTypeCode}/${t.maintenanceReasonCode}` },
        { header: "effective", get: (t) => t.effectiveDate },
        { header: "description", get: (t) => t.description },
        {
          header: "by",
          get: (t) =>
            t.actor ? t.actor.name + (t.actor.apiTokenId ? ` (token ${t.actor.apiTokenId})` : "") : "portal",
        },
      ],
      { csv: flags.csv, empty: "No transactions." },
    );
    return transactions;
  }
}
