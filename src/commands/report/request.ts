import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import {
  criteriaFlags,
  downloadReport,
  parseWait,
  periodFlags,
  requestBody,
  waitForReport,
} from "../../cli/reports.js";

export default class ReportRequest extends BaseCommand {
  static override summary = "Request a report; prints its ID (with --wait: waits and downloads it)";
  static override description =
    "Reports run in the background on the portal (queued → running → ready) and are kept 30 days. Periods must lie " +
    "within the last two years. With --wait the command polls (spinner on stderr) and downloads the file when ready; " +
    "if it is still running when the wait ends it exits 8.";
  static override examples = [
    "<%= config.bin %> report request enrollment-roster --as-of 2026-11-30 --group G1000001",
    "<%= config.bin %> report request membership-changes --from 2026-10-01 --to 2026-10-31 --columns effective_date,change,member_id --notify",
    "<%= config.bin %> report request enrollment-roster --format pdf --wait 5m --output-dir ~/reports",
  ];
  static override args = {
    type: Args.string({ description: "report type (see `hnctl report types`)", required: true }),
  };
  static override flags = {
    ...periodFlags,
    ...criteriaFlags,
    notify: Flags.boolean({ description: "e-mail me when the report is ready" }),
    wait: Flags.string({ description: "wait this long for it (e.g. 90s, 10m), then download it" }),
    "output-dir": Flags.string({ description: "with --wait: the folder to download into (default: here)" }),
    force: Flags.boolean({ description: "with --wait: replace an existing file" }),
  };
  static override fieldFlags = {
    from: "--from",
    to: "--to",
    asOf: "--as-of",
    columns: "--columns",
    groups: "--group",
    subgroups: "--subgroup",
    locations: "--location",
    statuses: "--status",
  };

  async run() {
    const { args, flags } = await this.parse(ReportRequest);
    const waitMs = flags.wait ? parseWait("--wait", flags.wait) : undefined;
    const client = this.session(flags).client();
    const report = await client.call("reportRequest", { body: requestBody(args.type, flags) });
    if (waitMs === undefined) {
      if (!this.jsonEnabled()) this.log(report.id);
      this.note(
        `Requested ${report.type} (${report.period}); check it with \`hnctl report status ${report.id}\`.`,
      );
      return report;
    }
    this.note(`Requested ${report.id}; waiting…`);
    const ready = await waitForReport(client, report.id, waitMs);
    const { join } = await import("node:path");
    const { file, size } = await downloadReport(
      client,
      ready,
      join(flags["output-dir"] ?? ".", ready.fileName),
      {
        force: flags.force,
      },
    );
    if (!this.jsonEnabled()) this.log(file);
    this.note(`Wrote ${ready.rowCount} row(s), ${size} bytes.`);
    return { ...ready, file };
  }
}
