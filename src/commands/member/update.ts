import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { usageError } from "../../cli/errors.js";
import { defined, memberFieldFlags, personFlags, personFromFlags } from "../../cli/member-input.js";
import { parseDate, parseMemberId, parsePersonId } from "../../cli/parse.js";
import { renderMemberHeader } from "../../cli/render/members.js";
import { EMPLOYMENT_STATUSES } from "../../contract/enums.js";

export default class MemberUpdate extends BaseCommand {
  static override summary = "Change a subscriber's details, plan (with an effective date) or a person's PCP";
  static override description =
    "Demographics and contact details, a plan change effective the first of a month, and a PCP change for one " +
    "person (--person, default the subscriber). Each change carries the member's version: if someone else changed " +
    "the member since it was read, the portal refuses (exit 6) instead of overwriting their change.";
  static override examples = [
    "<%= config.bin %> member update mbr_0a1b2c3d4e5f60718293a4b5 --last-name Reyes-Long --marital-status married",
    "<%= config.bin %> member update mbr_0a1b2c3d4e5f60718293a4b5 --address '40 Oak Avenue, Detroit, MI 48202' --phone 313-555-0199",
    "<%= config.bin %> member update mbr_0a1b2c3d4e5f60718293a4b5 --plan HMO-500 --effective 2027-01-01 --pcp 1003000126",
    "<%= config.bin %> member update mbr_0a1b2c3d4e5f60718293a4b5 --pcp 1003000142 --person per_7c8d9e0f1a2b3c4d5e6f7a8b",
  ];
  static override args = { memberId: Args.string({ description: "member ID (mbr_…)", required: true }) };
  static override flags = {
    "first-name": personFlags["first-name"],
    "middle-name": personFlags["middle-name"],
    "last-name": personFlags["last-name"],
    "marital-status": personFlags["marital-status"],
    email: personFlags.email,
    phone: personFlags.phone,
    address: personFlags.address,
    "employment-status": Flags.option({ options: EMPLOYMENT_STATUSES.filter((s) => s !== "terminated") })({
      description: "employment status",
    }),
    plan: Flags.string({ description: "new plan code (with --effective)", dependsOn: ["effective"] }),
    effective: Flags.string({
      description: "plan change effective date: the first of a month",
      dependsOn: ["plan"],
    }),
    pcp: personFlags.pcp,
    person: Flags.string({
      description: "whose PCP changes (per_…; default the subscriber)",
      dependsOn: ["pcp"],
    }),
  };
  static override fieldFlags = memberFieldFlags;

  async run() {
    const { args, flags } = await this.parse(MemberUpdate);
    const memberId = parseMemberId("MEMBER_ID", args.memberId);
    const { pcp, firstName, middleName, lastName, maritalStatus, email, phone, address } =
      await personFromFlags(flags);
    const details = defined({
      firstName,
      middleName,
      lastName,
      maritalStatus,
      email,
      phone,
      address,
      employmentStatus: flags["employment-status"],
    });
    if (!Object.keys(details).length && !flags.plan && !pcp)
      throw usageError("nothing to change", "see --help for what can be changed");
    const client = this.session(flags).client();
    let member = await client.call("memberGet", { params: { memberId } });
    if (Object.keys(details).length) {
      member = await client.call("memberUpdate", {
        params: { memberId },
        body: { version: member.version, ...details },
      });
    }
    const personId = flags.person ? parsePersonId("--person", flags.person) : member.subscriber.id;
    if (flags.plan) {
      member = await client.call("memberPlanChange", {
        params: { memberId },
        body: {
          version: member.version,
          plan: flags.plan,
          effectiveDate: parseDate("--effective", flags.effective!),
          pcps: pcp ? [{ personId, provider: pcp }] : [],
        },
      });
    } else if (pcp) {
      member = await client.call("memberPcpChange", {
        params: { memberId },
        body: { version: member.version, personId, provider: pcp },
      });
    }
    this.log(renderMemberHeader(member));
    return member;
  }
}
