import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../../cli/base-command.js";

export default class BillScheduleResume extends BaseCommand {
  static override summary = "Resume a paused recurring payment from its next day of the month";
  static override examples = ["<%= config.bin %> bill schedule resume pys_0123abcd "];
  static override args = { scheduleId: Args.string({ description: "schedule ID (pys_…)", required: true }) };

  async run() {
    const { args, flags } = await this.parse(BillScheduleResume);

    const s = await this.session(flags)
      .client()
      .call("scheduleResume", { params: { scheduleId: args.scheduleId } });
    this.note(`Resumed ${s.id}: ${s.status}${s.nextRunDate ? `, next run ${s.nextRunDate}` : ""}.`);
    return s;
  }
}
