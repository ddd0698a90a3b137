import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../../cli/base-command.js";
import { usageError } from "../../../cli/errors.js";
import { yesFlag } from "../../../cli/flags.js";

export default class ReportScheduleDelete extends BaseCommand {
  static override summary = "Delete a recurring report (runs already made stay until they expire)";
  static override examples = ["<%= config.bin %> report schedule delete monthly-changes --yes"];
  static override args = {
    schedule: Args.string({ description: "the recurring report's name or ID", required: true }),
  };
  static override flags = { ...yesFlag };

  async run() {
    const { args, flags } = await this.parse(ReportScheduleDelete);
    if (!flags.yes) {
      if (!process.stdin.isTTY || !process.stdout.isTTY)
        throw usageError(`deleting ${args.schedule} needs --yes when not run from a terminal`);
      const { confirm } = await import("@inquirer/prompts");
      if (!(await confirm({ message: `Delete the recurring report ${args.schedule}?`, default: false }))) {
        this.note("Nothing deleted.");
        return { deleted: false };
      }
    }
    const res = await this.session(flags)
      .client()
      .call("reportScheduleDelete", { params: { schedule: args.schedule } });
    this.note(`Deleted the recurring report ${args.schedule}.`);
    return res;
  }
}
