import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../../cli/base-command.js";
import { ExitCode } from "../../../cli/errors.js";
import { batchSizeFlag, yesFlag } from "../../../cli/flags.js";

export default class MemberImport extends BaseCommand {
  static override summary =
    "Import a roster CSV: validate, plan (--dry-run) or apply, with per-row result files";
  static override description =
    "One row per person: the subscriber's row and one row per dependent, tied by the subscriber's employee number " +
    '(see `hnctl member import template`). A blank action means "make it so": add who is missing, change what ' +
    "differs, leave the rest. Every row is checked locally first; rows are sent in batches that are safe to send " +
    "again, so re-running a file changes nothing twice. Results go to <job>-success.csv, <job>-failed.csv and " +
    "<job>-unprocessed.csv. Exit 0 when every row succeeded, 7 when some failed.";
  static override examples = [
    "<%= config.bin %> member import roster.csv --dry-run",
    "<%= config.bin %> member import roster.csv --results-dir ./results",
    "<%= config.bin %> member import roster.csv --allow-terminations 3",
    "<%= config.bin %> member import resume --use-most-recent",
  ];
  static override args = { file: Args.string({ required: true, description: "the roster CSV" }) };
  static override flags = {
    "dry-run": Flags.boolean({ description: "validate and show what would change; write nothing" }),
    "results-dir": Flags.string({ description: "where the result files go (default: next to the file)" }),
    wait: Flags.string({ description: "stop sending after this long (e.g. 10m) and exit 8; resume later" }),
    delimiter: Flags.string({
      description: "field delimiter (default: detected from the header: , ; tab |)",
    }),
    "allow-terminations": Flags.integer({ min: 0, description: "apply up to N terminations without asking" }),
    ...batchSizeFlag,
    ...yesFlag,
  };

  async run() {
    const { args, flags } = await this.parse(MemberImport);
    const run = await import("../../../cli/roster/run.js");
    const session = this.session(flags);
    const client = session.client({ keepAlive: true, timeoutMs: 120_000 });
    const env = { client, configDir: session.config.dir, note: (m: string) => this.note(m) };
    try {
      if (flags["dry-run"]) {
        const plan = await run.dryRun(env, args.file, {
          delimiter: flags.delimiter,
          batchSize: flags["batch-size"],
        });
        if (!this.jsonEnabled()) this.log(run.renderPlan(plan.summary, plan.scan));
        if (plan.summary.failed || plan.summary.invalid) process.exitCode = ExitCode.partial;
        return { dryRun: true, rows: plan.scan.dataRows, ...plan.summary };
      }
      const summary = await run.runImport(env, args.file, {
        delimiter: flags.delimiter,
        resultsDir: flags["results-dir"],
        yes: flags.yes,
        allowTerminations: flags["allow-terminations"],
        waitMs: run.parseWait(flags.wait),
        batchSize: flags["batch-size"],
      });
      if (!this.jsonEnabled()) this.log(run.renderSummary(summary));
      process.exitCode = run.exitCodeOf(summary);
      return summary;
    } finally {
      client.close();
    }
  }
}
