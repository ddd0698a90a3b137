import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { renderTable } from "../../cli/output.js";
import { parseMemberId } from "../../cli/parse.js";
import { personColumns, renderCobra, renderMemberHeader } from "../../cli/render/members.js";

export default class MemberShow extends BaseCommand {
  static override summary = "Show a member: subscriber, dependents, coverage, PCPs, COBRA, status and dates";
  static override description =
    "SSNs are masked. --reveal-ssn shows them in full (needs enrollment.edit; every reveal is audited).";
  static override examples = [
    "<%= config.bin %> member show mbr_0a1b2c3d4e5f60718293a4b5",
    "<%= config.bin %> member show mbr_0a1b2c3d4e5f60718293a4b5 --reveal-ssn --json",
  ];
  static override args = { memberId: Args.string({ description: "member ID (mbr_…)", required: true }) };
  static override flags = { "reveal-ssn": Flags.boolean({ description: "show SSNs in full (audited)" }) };

  async run() {
    const { args, flags } = await this.parse(MemberShow);
    const memberId = parseMemberId("MEMBER_ID", args.memberId);
    const client = this.session(flags).client();
    const member = await client.call("memberGet", { params: { memberId } });
    const people = [member.subscriber, ...member.dependents];
    if (flags["reveal-ssn"]) {
      const revealed = await client.call("memberRevealSsn", { params: { memberId } });
      const byId = new Map(revealed.people.map((p) => [p.personId, p.ssn]));
      for (const p of people) p.ssn = byId.get(p.id) ?? p.ssn;
    }
    this.log(renderMemberHeader(member));
    this.log("\n" + (await renderTable(people, personColumns)));
    for (const c of member.cobra) this.log("\n" + renderCobra(c));
    return member;
  }
}
