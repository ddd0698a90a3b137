import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../cli/base-command.js";
import { renderReport } from "../../cli/render/reports.js";

export default class ReportStatus extends BaseCommand {
  static override summary =
    "A report's status (queued, running, ready, failed, expired), size, rows and expiry";
  static override examples = ["<%= config.bin %> report status rpt_0123abcd"];
  static override args = { reportId: Args.string({ description: "report ID (rpt_…)", required: true }) };

  async run() {
    const { args, flags } = await this.parse(ReportStatus);
    const report = await this.session(flags)
      .client()
      .call("reportGet", { params: { reportId: args.reportId } });
    if (!this.jsonEnabled()) this.log(renderReport(report));
    return report;
  }
}
