import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { parseDate, parseMemberId, parsePersonId } from "../../cli/parse.js";
import { renderCobra } from "../../cli/render/members.js";
import { COBRA_EVENTS } from "../../contract/enums.js";

export default class MemberCobra extends BaseCommand {
  static override summary = "Move a member (or one dependent) to COBRA after a qualifying event";
  static override description =
    "Termination of employment and reduced hours give 18 months; death, divorce, legal separation, Medicare and a " +
    "child losing dependent status 36; a disability extension stretches 18 to 29 (150% from month 19). COBRA starts " +
    "the day after regular coverage ends at 102% of the plan rate; the election window is 60 days. Employee events " +
    "(termination, reduced hours, death, Medicare, disability) need the member cancelled first; divorce, legal " +
    "separation and a child's ineligibility work on an active member for that person.";
  static override examples = [
    "<%= config.bin %> member cobra mbr_0a1b2c3d4e5f60718293a4b5 --event termination-of-employment --event-date 2026-12-15",
    "<%= config.bin %> member cobra mbr_0a1b2c3d4e5f60718293a4b5 --event divorce --event-date 2026-11-20 --person per_7c8d9e0f1a2b3c4d5e6f7a8b",
  ];
  static override args = { memberId: Args.string({ description: "member ID (mbr_…)", required: true }) };
  static override flags = {
    event: Flags.option({ options: COBRA_EVENTS })({ description: "the qualifying event", required: true }),
    "event-date": Flags.string({ description: "when it happened (YYYY-MM-DD)", required: true }),
    person: Flags.string({ description: "only this person (per_…)" }),
  };
  static override fieldFlags = { event: "--event", eventDate: "--event-date", personId: "--person" };

  async run() {
    const { args, flags } = await this.parse(MemberCobra);
    const result = await this.session(flags)
      .client()
      .call("memberCobra", {
        params: { memberId: parseMemberId("MEMBER_ID", args.memberId) },
        body: {
          event: flags.event,
          eventDate: parseDate("--event-date", flags["event-date"]),
          personId: flags.person ? parsePersonId("--person", flags.person) : undefined,
        },
      });
    this.log(renderCobra(result.cobra));
    return result;
  }
}
