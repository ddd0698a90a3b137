import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../../cli/base-command.js";
import { listFlags } from "../../../cli/flags.js";
import { scheduleColumns } from "../../../cli/payments.js";

export default class BillScheduleList extends BaseCommand {
  static override summary = "List recurring payments";
  static override examples = [
    "<%= config.bin %> bill schedule list",
    "<%= config.bin %> bill schedule list --json",
  ];
  static override flags = {
    group: Flags.string({ description: "only this group's schedules" }),
    ...listFlags,
  };

  async run() {
    const { flags } = await this.parse(BillScheduleList);
    const { schedules } = await this.session(flags)
      .client()
      .call("scheduleList", { query: { group: flags.group } });
    await this.printList(schedules, scheduleColumns, { csv: flags.csv, empty: "No recurring payments." });
    return schedules;
  }
}
