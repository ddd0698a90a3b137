import { createWriteStream } from "node:fs";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { usageError } from "../../cli/errors.js";

export default class MemberExport extends BaseCommand {
  static override summary =
    "Export the roster (or what changed since a day) in the import template's columns";
  static override description =
    "Export → edit → `hnctl member import` round-trips: the columns are the template's, SSNs are masked " +
    '(a masked SSN in an import means "keep the one on file"). Formulas are escaped for Excel.';
  static override examples = [
    "<%= config.bin %> member export --output roster.csv",
    "<%= config.bin %> member export --since 2026-11-01 --output changes.csv",
  ];
  static override flags = {
    format: Flags.option({ options: ["csv", "834"] as const })({
      default: "csv",
      description: "output format",
    }),
    since: Flags.string({ description: "only members changed on or after this day (YYYY-MM-DD)" }),
    group: Flags.string({ description: "only this group, e.g. G1000001" }),
    output: Flags.string({ char: "o", description: "file to write (default: standard output)" }),
  };

  async run() {
    const { flags } = await this.parse(MemberExport);
    if (flags.format === "834")
      throw usageError(
        "--format 834 is not available yet",
        "use --format csv (the import template's columns)",
      );
    if (flags.since && !/^\d{4}-\d{2}-\d{2}$/.test(flags.since))
      throw usageError("--since must be YYYY-MM-DD");
    const { stringify } = await import("csv-stringify");
    const { COLUMNS } = await import("../../cli/roster/columns.js");
    const { memberRows } = await import("../../cli/roster/export.js");
    const client = this.session(flags).client({ keepAlive: true });
    const out = flags.output ? createWriteStream(flags.output) : process.stdout;
    const csv = stringify({ header: true, columns: [...COLUMNS], escape_formulas: true });
    csv.pipe(out);
    let members = 0;
    let rows = 0;
    let cursor: string | undefined;
    try {
      do {
        const page = await client.call("memberExport", {
          body: { since: flags.since, groupNumber: flags.group, limit: 500, cursor },
        });
        for (const m of page.members)
          for (const row of memberRows(m)) {
            if (!csv.write(COLUMNS.map((c) => row[c]))) await new Promise((r) => csv.once("drain", r));
            rows++;
          }
        members += page.members.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    } finally {
      client.close();
    }
    await new Promise<void>((resolve) => {
      if (out === process.stdout) {
        csv.end(() => resolve());
      } else {
        out.on("finish", () => resolve());
        csv.end();
      }
    });
    this.note(`Exported ${members} member(s), ${rows} row(s)${flags.output ? ` to ${flags.output}` : ""}.`);
    return { members, rows, output: flags.output ?? null };
  }
}
