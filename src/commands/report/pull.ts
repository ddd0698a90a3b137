import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import {
  criteriaFlags,
  downloadReport,
  lockOutputDir,
  parseWait,
  periodFlags,
  requestBody,
  waitForReport,
} from "../../cli/reports.js";

export default class ReportPull extends BaseCommand {
  static override summary = "Request a report, wait for it and download it in one step (for cron)";
  static override description =
    "Works with only HNCTL_TOKEN set (no terminal, no keychain). Writes <type>_<period>_<report-id>.<format> into " +
    "--output-dir atomically (mode 0600) and prints its path, or nothing with --quiet. Holds a lock on the folder: " +
    "a second run while one is going exits 75 and does nothing. Any failure: one line on stderr and a non-zero exit " +
    "(8 when the report was still running when --wait ran out).";
  static override examples = [
    "<%= config.bin %> report pull enrollment-roster --output-dir /srv/hr/reports --quiet",
    "<%= config.bin %> report pull membership-changes --from 2026-10-01 --to 2026-10-31 --output-dir . --wait 30m",
  ];
  static override args = {
    type: Args.string({ description: "report type (see `hnctl report types`)", required: true }),
  };
  static override flags = {
    ...periodFlags,
    ...criteriaFlags,
    "output-dir": Flags.string({ description: "the folder to write into", required: true }),
    wait: Flags.string({ description: "how long to wait for the report (e.g. 10m)", default: "30m" }),
    force: Flags.boolean({ description: "replace an existing file" }),
    quiet: Flags.boolean({ char: "q", description: "print nothing on success" }),
  };
  static override fieldFlags = {
    from: "--from",
    to: "--to",
    asOf: "--as-of",
    columns: "--columns",
    groups: "--group",
  };

  async run() {
    const { args, flags } = await this.parse(ReportPull);
    const waitMs = parseWait("--wait", flags.wait);
    const dir = flags["output-dir"];
    const release = await lockOutputDir(dir);
    try {
      const client = this.session(flags).client();
      const requested = await client.call("reportRequest", { body: requestBody(args.type, flags) });
      const report = await waitForReport(client, requested.id, waitMs, { quiet: flags.quiet });
      const { join } = await import("node:path");
      const { file } = await downloadReport(client, report, join(dir, report.fileName), {
        force: flags.force,
      });
      if (!flags.quiet && !this.jsonEnabled()) this.log(file);
      return { ...report, file };
    } finally {
      await release();
    }
  }
}
