import * as Args from "@oclif/core/args";
import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../../cli/base-command.js";
import { usageError } from "../../../cli/errors.js";
import { parseDate } from "../../../cli/parse.js";
import { describeAllocations, parseAllocations } from "../../../cli/payments.js";

export default class BillScheduleUpdate extends BaseCommand {
  static override summary = "Change a recurring payment's day, accounts and amounts, start or end";
  static override examples = [
    "<%= config.bin %> bill schedule update pys_0123abcd --day 10",
    "<%= config.bin %> bill schedule update pys_0123abcd --from operating=500 --from reserve --no-end",
  ];
  static override args = { scheduleId: Args.string({ description: "schedule ID (pys_…)", required: true }) };
  static override flags = {
    day: Flags.integer({ description: "day of the month (1-28)", min: 1, max: 28 }),
    from: Flags.string({
      description: "NICKNAME[=AMOUNT]: replaces all allocations (repeatable)",
      multiple: true,
    }),
    start: Flags.string({ description: "first day it may run" }),
    end: Flags.string({ description: "last day it may run", exclusive: ["no-end"] }),
    "no-end": Flags.boolean({ description: "run until cancelled" }),
  };
  static override fieldFlags = {
    dayOfMonth: "--day",
    allocations: "--from",
    startDate: "--start",
    endDate: "--end",
  };

  async run() {
    const { args, flags } = await this.parse(BillScheduleUpdate);
    const body = {
      ...(flags.day !== undefined ? { dayOfMonth: flags.day } : {}),
      ...(flags.from ? { allocations: parseAllocations(flags.from) } : {}),
      ...(flags.start ? { startDate: parseDate("--start", flags.start) } : {}),
      ...(flags.end ? { endDate: parseDate("--end", flags.end) } : {}),
      ...(flags["no-end"] ? { endDate: null } : {}),
    };
    if (!Object.keys(body).length)
      throw usageError("nothing to change: give --day, --from, --start, --end or --no-end");
    const s = await this.session(flags)
      .client()
      .call("scheduleUpdate", { params: { scheduleId: args.scheduleId }, body });
    this.note(
      `Schedule ${s.id}: day ${s.dayOfMonth}, ${describeAllocations(s.allocations)}; next run ${s.nextRunDate ?? "none"}.`,
    );
    return s;
  }
}
