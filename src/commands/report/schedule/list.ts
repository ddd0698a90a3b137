import { BaseCommand } from "../../../cli/base-command.js";
import { listFlags } from "../../../cli/flags.js";
import { scheduleColumns } from "../../../cli/render/reports.js";

export default class ReportScheduleList extends BaseCommand {
  static override summary = "Your recurring reports";
  static override examples = ["<%= config.bin %> report schedule list"];
  static override flags = { ...listFlags };

  async run() {
    const { flags } = await this.parse(ReportScheduleList);
    const { schedules } = await this.session(flags).client().call("reportScheduleList");
    await this.printList(schedules, scheduleColumns, { csv: flags.csv, empty: "No recurring reports." });
    return { schedules };
  }
}
