import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../../cli/base-command.js";
import { usageError } from "../../../cli/errors.js";
import { renderFields } from "../../../cli/output.js";
import { scheduleBody, scheduleFlags } from "../../../cli/schedule-flags.js";

export default class ReportScheduleCreate extends BaseCommand {
  static override summary =
    "Create a recurring report: monthly on day N or weekly on a weekday, with a relative period";
  static override examples = [
    "<%= config.bin %> report schedule create monthly-changes --type membership-changes --monthly 1 --period previous-month --notify",
    "<%= config.bin %> report schedule create weekly-roster --type enrollment-roster --weekly monday --period as-of-run-date --group G1000001",
  ];
  static override args = {
    name: Args.string({ description: "a name for it (letters, digits, . _ -)", required: true }),
  };
  static override flags = { ...scheduleFlags };

  async run() {
    const { args, flags } = await this.parse(ReportScheduleCreate);
    if (!flags.type) throw usageError("--type is required (see `hnctl report types`)");
    if (flags.monthly === undefined && !flags.weekly)
      throw usageError("say when it runs: --monthly DAY or --weekly WEEKDAY");
    const body = scheduleBody(flags);
    const schedule = await this.session(flags)
      .client()
      .call("reportScheduleCreate", {
        body: {
          ...body,
          name: args.name,
          type: flags.type,
          frequency: body.frequency!,
          dayOfMonth: body.dayOfMonth ?? undefined,
          weekday: body.weekday ?? undefined,
          period: body.period ?? (flags.type.endsWith("roster") ? "as-of-run-date" : "previous-month"),
        },
      });
    if (!this.jsonEnabled())
      this.log(
        renderFields([
          ["recurring report", schedule.name],
          ["id", schedule.id],
          ["next run", schedule.nextRunDate],
          ["notify", schedule.notify ? "yes" : "no"],
        ]),
      );
    return schedule;
  }
}
