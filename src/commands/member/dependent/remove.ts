import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../../cli/base-command.js";
import { confirmDestructive } from "../../../cli/confirm.js";
import { yesFlag } from "../../../cli/flags.js";
import { parseDate, parseMemberId, parsePersonId } from "../../../cli/parse.js";
import { formatUsd } from "../../../cli/render/members.js";

export default class MemberDependentRemove extends BaseCommand {
  static override summary = "End a dependent's coverage (the member stays covered)";
  static override description =
    "The date is the dependent's last day of coverage: the end of a month, at most 60 days back. For a divorce or a child's loss of eligibility, consider `member cobra` too.";
  static override examples = [
    "<%= config.bin %> member dependent remove mbr_0a1b2c3d4e5f60718293a4b5 per_7c8d9e0f1a2b3c4d5e6f7a8b --date 2026-12-31 --reason divorce --yes",
  ];
  static override args = {
    memberId: Args.string({ description: "member ID (mbr_…)", required: true }),
    personId: Args.string({ description: "the dependent's person ID (per_…)", required: true }),
  };
  static override flags = {
    date: Flags.string({ description: "last day of coverage (YYYY-MM-DD, end of a month)", required: true }),
    reason: Flags.option({ options: ["divorce", "death", "ineligible", "other"] as const })({
      description: "why",
      default: "other",
    }),
    ...yesFlag,
  };
  static override fieldFlags = { coverageEndDate: "--date", reason: "--reason" };

  async run() {
    const { args, flags } = await this.parse(MemberDependentRemove);
    const memberId = parseMemberId("MEMBER_ID", args.memberId);
    const personId = parsePersonId("PERSON_ID", args.personId);
    const coverageEndDate = parseDate("--date", flags.date);
    const client = this.session(flags).client();
    const before = await client.call("memberGet", { params: { memberId } });
    const person = before.dependents.find((d) => d.id === personId);
    await confirmDestructive({
      yes: flags.yes,
      action: `End coverage of ${person ? `${person.firstName} ${person.lastName}` : personId} on ${coverageEndDate}`,
      typeBack: personId,
    });
    const member = await client.call("dependentRemove", {
      params: { memberId, personId },
      body: { version: before.version, coverageEndDate, reason: flags.reason },
    });
    this.log(
      `Coverage of ${personId} ends ${coverageEndDate}: tier ${member.tier}, ${formatUsd(member.monthlyPremiumCents)} a month.`,
    );
    return member;
  }
}
