import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../../cli/base-command.js";

export default class BillSchedulePause extends BaseCommand {
  static override summary = "Pause a recurring payment (nothing is paid until it is resumed)";
  static override examples = ["<%= config.bin %> bill schedule pause pys_0123abcd "];
  static override args = { scheduleId: Args.string({ description: "schedule ID (pys_…)", required: true }) };

  async run() {
    const { args, flags } = await this.parse(BillSchedulePause);

    const s = await this.session(flags)
      .client()
      .call("schedulePause", { params: { scheduleId: args.scheduleId } });
    this.note(`Paused ${s.id}: ${s.status}${s.nextRunDate ? `, next run ${s.nextRunDate}` : ""}.`);
    return s;
  }
}
