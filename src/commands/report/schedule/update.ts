import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../../cli/base-command.js";
import { renderFields } from "../../../cli/output.js";
import { scheduleBody, scheduleFlags } from "../../../cli/schedule-flags.js";

export default class ReportScheduleUpdate extends BaseCommand {
  static override summary = "Change any criterion of a recurring report";
  static override examples = [
    "<%= config.bin %> report schedule update weekly-roster --weekly friday --format pdf",
    "<%= config.bin %> report schedule update monthly-changes --columns effective_date,change,member_id --no-notify",
  ];
  static override args = { schedule: Args.string({ description: "its name or ID", required: true }) };
  static override flags = { ...scheduleFlags, name: Flags.string({ description: "rename it" }) };

  async run() {
    const { args, flags } = await this.parse(ReportScheduleUpdate);
    const schedule = await this.session(flags)
      .client()
      .call("reportScheduleUpdate", {
        params: { schedule: args.schedule },
        body: { ...scheduleBody(flags), ...(flags.name ? { name: flags.name } : {}) },
      });
    if (!this.jsonEnabled())
      this.log(
        renderFields([
          ["recurring report", schedule.name],
          [
            "runs",
            schedule.frequency === "monthly"
              ? `monthly on day ${schedule.dayOfMonth}`
              : `weekly on ${schedule.weekday}`,
          ],
          ["next run", schedule.nextRunDate],
        ]),
      );
    return schedule;
  }
}
