import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../../cli/base-command.js";
import { parseDate } from "../../../cli/parse.js";
import { describeAllocations, parseAllocations, sendIdempotent } from "../../../cli/payments.js";

export default class BillScheduleCreate extends BaseCommand {
  static override summary =
    "Pay the group's open invoice every month on a day (1-28), from fixed amounts and/or the rest";
  static override examples = [
    "<%= config.bin %> bill schedule create --day 5 --from operating",
    "<%= config.bin %> bill schedule create --group G1000001 --day 28 --from reserve=2000 --from operating --start 2027-01-01 --end 2027-12-31",
  ];
  static override flags = {
    day: Flags.integer({ description: "day of the month (1-28)", required: true, min: 1, max: 28 }),
    from: Flags.string({
      description: "NICKNAME[=AMOUNT] (repeatable; one may leave out the amount and pay the rest)",
      multiple: true,
      required: true,
    }),
    group: Flags.string({ description: "the group (when you see several)" }),
    start: Flags.string({ description: "first day it may run (default today)" }),
    end: Flags.string({ description: "last day it may run (default: until cancelled)" }),
  };
  static override fieldFlags = {
    dayOfMonth: "--day",
    allocations: "--from",
    startDate: "--start",
    endDate: "--end",
  };

  async run() {
    const { flags } = await this.parse(BillScheduleCreate);
    const allocations = parseAllocations(flags.from);
    const s = await sendIdempotent(
      this.session(flags),
      "scheduleCreate",
      {
        body: {
          dayOfMonth: flags.day,
          allocations,
          ...(flags.group ? { group: flags.group } : {}),
          ...(flags.start ? { startDate: parseDate("--start", flags.start) } : {}),
          ...(flags.end ? { endDate: parseDate("--end", flags.end) } : {}),
        },
      },
      (m) => this.note(m),
    );
    this.note(
      `Schedule ${s.id}: ${s.groupNumber} on day ${s.dayOfMonth}, ${describeAllocations(s.allocations)}; next run ${s.nextRunDate ?? "none"}.`,
    );
    return s;
  }
}
