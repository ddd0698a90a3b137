import * as Args from "@oclif/core/args";
import { BaseCommand } from "../../../cli/base-command.js";
import { yesFlag } from "../../../cli/flags.js";
import { confirmOrYes } from "../../../cli/payments.js";

export default class BillScheduleCancel extends BaseCommand {
  static override summary = "Cancel a recurring payment for good (payments it made stay)";
  static override examples = ["<%= config.bin %> bill schedule cancel pys_0123abcd --yes"];
  static override args = { scheduleId: Args.string({ description: "schedule ID (pys_…)", required: true }) };
  static override flags = { ...yesFlag };

  async run() {
    const { args, flags } = await this.parse(BillScheduleCancel);
    await confirmOrYes({
      yes: flags.yes,
      question: `Cancel schedule ${args.scheduleId}?`,
      what: "bill schedule cancel",
    });
    const s = await this.session(flags)
      .client()
      .call("scheduleCancel", { params: { scheduleId: args.scheduleId } });
    this.note(`Cancelled ${s.id}: ${s.status}${s.nextRunDate ? `, next run ${s.nextRunDate}` : ""}.`);
    return s;
  }
}
