import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { listFlags } from "../../cli/flags.js";
import { formatUsd } from "../../cli/render/members.js";

export default class PlanList extends BaseCommand {
  static override summary = "List the plans offered, with monthly rates per coverage tier";
  static override description =
    "Tiers: EE employee only, ES + spouse/partner, EC + child(ren), EF family. HMO plans need a PCP per person.";
  static override examples = [
    "<%= config.bin %> plan list",
    "<%= config.bin %> plan list --group G1000002 --csv",
  ];
  static override flags = {
    group: Flags.string({ description: "only plans offered to this group, e.g. G1000001" }),
    ...listFlags,
  };

  async run() {
    const { flags } = await this.parse(PlanList);
    const { plans } = await this.session(flags)
      .client()
      .call("planList", { query: { group: flags.group } });
    await this.printList(
      plans,
      [
        { header: "code", get: (p) => p.code },
        { header: "name", get: (p) => p.name },
        { header: "type", get: (p) => p.type + (p.requiresPcp ? " (PCP)" : "") },
        { header: "EE", get: (p) => formatUsd(p.monthlyRatesCents.EE) },
        { header: "ES", get: (p) => formatUsd(p.monthlyRatesCents.ES) },
        { header: "EC", get: (p) => formatUsd(p.monthlyRatesCents.EC) },
        { header: "EF", get: (p) => formatUsd(p.monthlyRatesCents.EF) },
        { header: "groups", get: (p) => p.groupNumbers.join(" ") },
      ],
      { csv: flags.csv, empty: "No plans." },
    );
    return plans;
  }
}
