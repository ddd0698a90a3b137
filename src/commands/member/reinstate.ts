import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../cli/base-command.js";
import { confirmDestructive } from "../../cli/confirm.js";
import { yesFlag } from "../../cli/flags.js";
import { parseMemberId } from "../../cli/parse.js";
import { renderMemberHeader } from "../../cli/render/members.js";

export default class MemberReinstate extends BaseCommand {
  static override summary = "Undo a cancellation within 60 days: the same people, plan and PCPs, with no gap";
  static override examples = [
    "<%= config.bin %> member reinstate mbr_0a1b2c3d4e5f60718293a4b5",
    "<%= config.bin %> member reinstate mbr_0a1b2c3d4e5f60718293a4b5 --yes --json",
  ];
  static override args = { memberId: Args.string({ description: "member ID (mbr_…)", required: true }) };
  static override flags = { ...yesFlag };

  async run() {
    const { args, flags } = await this.parse(MemberReinstate);
    const memberId = parseMemberId("MEMBER_ID", args.memberId);
    const client = this.session(flags).client();
    const before = await client.call("memberGet", { params: { memberId } });
    const restored = [before.subscriber, ...before.dependents].filter((p) => p.status === "terminated");
    this.log(
      `Reinstating ${memberId} (${before.plan.code}) restores, from the day after ${before.terminationDate ?? "the termination"}:`,
    );
    for (const p of restored)
      this.log(
        `  - ${p.relationship} ${p.firstName} ${p.lastName} (${p.id})${p.pcp ? `, PCP ${p.pcp.name}` : ""}`,
      );
    await confirmDestructive({ yes: flags.yes, action: `Reinstate ${memberId}`, typeBack: memberId });
    const member = await client.call("memberReinstate", {
      params: { memberId },
      body: { version: before.version },
    });
    this.log(renderMemberHeader(member));
    return member;
  }
}
