import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../../cli/base-command.js";
import { usageError } from "../../../cli/errors.js";
import { batchSizeFlag } from "../../../cli/flags.js";

export default class MemberImportResume extends BaseCommand {
  static override summary = "Continue an interrupted import from its local journal";
  static override description =
    "Asks the portal which rows of the job already landed, reads the same file again (it must not have changed), " +
    "sends the rest and writes complete result files.";
  static override examples = [
    "<%= config.bin %> member import resume --use-most-recent",
    "<%= config.bin %> member import resume --job-id imp_0123abcd",
  ];
  static override flags = {
    "job-id": Flags.string({ description: "the import job to continue", exclusive: ["use-most-recent"] }),
    "use-most-recent": Flags.boolean({ description: "the last import started with this config dir" }),
    wait: Flags.string({ description: "stop sending after this long (e.g. 10m) and exit 8" }),
    ...batchSizeFlag,
  };

  async run() {
    const { flags } = await this.parse(MemberImportResume);
    if (!flags["job-id"] && !flags["use-most-recent"])
      throw usageError("pass --job-id ID or --use-most-recent");
    const run = await import("../../../cli/roster/run.js");
    const session = this.session(flags);
    const client = session.client({ keepAlive: true, timeoutMs: 120_000 });
    try {
      const summary = await run.resumeImport(
        { client, configDir: session.config.dir, note: (m) => this.note(m) },
        flags["job-id"] ?? "most-recent",
        { waitMs: run.parseWait(flags.wait), batchSize: flags["batch-size"] },
      );
      if (!this.jsonEnabled()) this.log(run.renderSummary(summary));
      process.exitCode = run.exitCodeOf(summary);
      return summary;
    } finally {
      client.close();
    }
  }
}
