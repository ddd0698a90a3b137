import { BaseCommand } from "../../cli/base-command.js";
import { listFlags } from "../../cli/flags.js";

export default class GroupList extends BaseCommand {
  static override summary = "List the groups (and their subgroups and plans) you may act on";
  static override examples = ["<%= config.bin %> group list", "<%= config.bin %> group list --json"];
  static override flags = { ...listFlags };

  async run() {
    const { flags } = await this.parse(GroupList);
    const { groups } = await this.session(flags).client().call("groupList");
    await this.printList(
      groups,
      [
        { header: "group", get: (g) => g.groupNumber },
        { header: "name", get: (g) => g.name },
        { header: "subgroups", get: (g) => g.subgroups.map((s) => `${s.code} (${s.name})`).join(", ") },
        { header: "plans", get: (g) => g.planCodes.join(" ") },
      ],
      { csv: flags.csv, empty: "No groups in your scope." },
    );
    return groups;
  }
}
