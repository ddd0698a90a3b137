import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { listFlags } from "../../cli/flags.js";
import { reportColumns } from "../../cli/render/reports.js";

export default class ReportList extends BaseCommand {
  static override summary = "Your reports, newest first: status, rows, size, expiry";
  static override examples = [
    "<%= config.bin %> report list",
    "<%= config.bin %> report list --status ready --csv",
  ];
  static override flags = {
    ...listFlags,
    status: Flags.option({ options: ["queued", "running", "ready", "failed", "expired"] as const })({
      description: "only reports in this status",
    }),
    schedule: Flags.string({ description: "only the runs of this recurring report (name or ID)" }),
    limit: Flags.integer({ description: "how many", default: 50, min: 1, max: 500 }),
  };

  async run() {
    const { flags } = await this.parse(ReportList);
    const { reports } = await this.session(flags)
      .client()
      .call("reportList", { query: { status: flags.status, schedule: flags.schedule, limit: flags.limit } });
    await this.printList(reports, reportColumns, { csv: flags.csv, empty: "No reports." });
    return { reports };
  }
}
