import { BaseCommand } from "../../cli/base-command.js";

const FLAG = { groups: "--group", subgroups: "--subgroup", locations: "--location", statuses: "--status" };

export default class ReportTypes extends BaseCommand {
  static override summary = "The report catalogue: each type's period, filters and columns";
  static override examples = ["<%= config.bin %> report types", "<%= config.bin %> report types --json"];

  async run() {
    const { flags } = await this.parse(ReportTypes);
    const { types } = await this.session(flags).client().call("reportTypes");
    if (!this.jsonEnabled()) {
      const blocks = types.map((t) =>
        [
          `${t.type} — ${t.title} (${t.period === "as-of" ? "as of a date: --as-of" : "a period: --from/--to"})`,
          `  ${t.description}`,
          `  filters: ${t.filters.map((f) => FLAG[f]).join(" ")}${t.statuses.length ? ` (statuses: ${t.statuses.join(", ")})` : ""}`,
          `  columns (* default): ${t.columns.map((c) => (t.defaultColumns.includes(c.name) ? `${c.name}*` : c.name)).join(", ")}`,
        ].join("\n"),
      );
      this.log(blocks.join("\n\n"));
    }
    return { types };
  }
}
