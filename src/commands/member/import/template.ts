import { BaseCommand } from "../../../cli/base-command.js";
import { COLUMNS, TEMPLATE_ROWS } from "../../../cli/roster/columns.js";

export default class MemberImportTemplate extends BaseCommand {
  static override summary = "Print the roster CSV header with example subscriber and dependent rows";
  static override examples = ["<%= config.bin %> member import template > roster.csv"];

  async run() {
    await this.parse(MemberImportTemplate);
    const { stringify } = await import("csv-stringify/sync");
    const text = stringify(
      TEMPLATE_ROWS.map((r) => COLUMNS.map((c) => r[c])),
      { header: true, columns: [...COLUMNS], escape_formulas: true },
    );
    if (!this.jsonEnabled()) process.stdout.write(text);
    return { columns: COLUMNS, rows: TEMPLATE_ROWS };
  }
}
