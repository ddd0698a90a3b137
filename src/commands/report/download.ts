import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { CliError, ExitCode, usageError } from "../../cli/errors.js";
import { downloadReport, lockOutputDir } from "../../cli/reports.js";

export default class ReportDownload extends BaseCommand {
  static override summary = "Download a ready report (atomic, mode 0600, size and checksum verified)";
  static override description =
    "Writes to a temporary file and renames it into place, so a failure never leaves a partial file; refuses to " +
    "overwrite without --force. With --schedule NAME --latest it fetches the newest ready run of a recurring report " +
    "into --output-dir under its stable name (<type>_<period>_<report-id>.<format>), skipping it when the file is " +
    "already there — made for cron: only HNCTL_TOKEN needed, silent with --quiet, and a lock on the folder so " +
    "overlapping runs don't fight (the second exits 75).";
  static override examples = [
    "<%= config.bin %> report download rpt_0123abcd",
    "<%= config.bin %> report download rpt_0123abcd --output roster.csv --force",
    "<%= config.bin %> report download --schedule monthly-changes --latest --output-dir /srv/hr/reports --quiet",
  ];
  static override args = { reportId: Args.string({ description: "report ID (rpt_…)" }) };
  static override flags = {
    output: Flags.string({ char: "o", description: "the file to write", exclusive: ["output-dir"] }),
    "output-dir": Flags.string({
      description: "the folder to write into, under the report's stable file name",
    }),
    force: Flags.boolean({ description: "replace an existing file" }),
    schedule: Flags.string({
      description: "a recurring report (name or ID): use with --latest",
      dependsOn: ["latest"],
    }),
    latest: Flags.boolean({ description: "the newest ready run of --schedule", dependsOn: ["schedule"] }),
    quiet: Flags.boolean({ char: "q", description: "print nothing on success" }),
  };

  async run() {
    const { args, flags } = await this.parse(ReportDownload);
    const { join } = await import("node:path");
    const client = this.session(flags).client();
    if (flags.schedule) {
      if (args.reportId) throw usageError("give a report ID or --schedule NAME --latest, not both");
      if (!flags["output-dir"]) throw usageError("--schedule needs --output-dir");
      const dir = flags["output-dir"];
      const release = await lockOutputDir(dir);
      try {
        const { reports } = await client.call("reportList", {
          query: { schedule: flags.schedule, status: "ready", limit: 1 },
        });
        const latest = reports[0];
        if (!latest)
          throw new CliError(
            `recurring report ${flags.schedule} has no ready run yet`,
            ExitCode.notFound,
            "no_run",
          );
        const target = join(dir, latest.fileName);
        const { access } = await import("node:fs/promises");
        if (
          await access(target).then(
            () => true,
            () => false,
          )
        ) {
          if (!flags.quiet && !this.jsonEnabled()) this.note(`${target} is already there; nothing to do.`);
          return { ...latest, file: target, skipped: true };
        }
        const { file } = await downloadReport(client, latest, target);
        if (!flags.quiet && !this.jsonEnabled()) this.log(file);
        return { ...latest, file, skipped: false };
      } finally {
        await release();
      }
    }
    if (!args.reportId) throw usageError("give a report ID, or --schedule NAME --latest --output-dir DIR");
    const report = await client.call("reportGet", { params: { reportId: args.reportId } });
    if (report.status !== "ready")
      throw new CliError(
        report.status === "failed"
          ? `report ${report.id} failed: ${report.error}`
          : `report ${report.id} is ${report.status}`,
        report.status === "expired"
          ? ExitCode.notFound
          : report.status === "failed"
            ? ExitCode.error
            : ExitCode.pending,
        report.status,
        report.status === "queued" || report.status === "running" ? "try again shortly" : "request it again",
      );
    const target = flags.output ?? join(flags["output-dir"] ?? ".", report.fileName);
    const { file, size } = await downloadReport(client, report, target, { force: flags.force });
    if (!flags.quiet && !this.jsonEnabled()) {
      this.log(file);
      this.note(`Wrote ${report.rowCount} row(s), ${size} bytes (checksum verified).`);
    }
    return { ...report, file };
  }
}
