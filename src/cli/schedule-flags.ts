import * as Flags from "@oclif/core/flags";
import { RELATIVE_PERIODS, REPORT_TYPES, WEEKDAYS } from "../contract/enums.js";
import { columnsOf, REPORT_FORMATS } from "./reports.js";

/** Flags of `report schedule create|update`: when it runs, what period, and the report's criteria. */
export const scheduleFlags = {
  type: Flags.option({ options: REPORT_TYPES })({ description: "report type" }),
  monthly: Flags.integer({
    description: "run monthly on this day (1-28)",
    min: 1,
    max: 28,
    exclusive: ["weekly"],
  }),
  weekly: Flags.option({ options: WEEKDAYS })({
    description: "run weekly on this day",
    exclusive: ["monthly"],
  }),
  period: Flags.option({ options: RELATIVE_PERIODS })({
    description: "what each run covers: previous-month, month-to-date, or as-of-run-date (rosters)",
  }),
  group: Flags.string({ description: "only this group (repeatable)", multiple: true }),
  subgroup: Flags.string({ description: "only this subgroup (repeatable)", multiple: true }),
  location: Flags.string({ description: "only this location (repeatable)", multiple: true }),
  status: Flags.string({ description: "only these statuses (repeatable)", multiple: true }),
  columns: Flags.string({ description: "columns in order, comma-separated" }),
  format: Flags.option({ options: REPORT_FORMATS })({ description: "file format" }),
  notify: Flags.boolean({ description: "e-mail me when each run is ready", allowNo: true }),
};

export function scheduleBody(flags: {
  type?: string;
  monthly?: number;
  weekly?: string;
  period?: string;
  group?: string[];
  subgroup?: string[];
  location?: string[];
  status?: string[];
  columns?: string;
  format?: string;
  notify?: boolean;
}) {
  return {
    ...(flags.type ? { type: flags.type as (typeof REPORT_TYPES)[number] } : {}),
    ...(flags.monthly !== undefined
      ? { frequency: "monthly" as const, dayOfMonth: flags.monthly, weekday: null }
      : {}),
    ...(flags.weekly
      ? { frequency: "weekly" as const, weekday: flags.weekly as (typeof WEEKDAYS)[number], dayOfMonth: null }
      : {}),
    ...(flags.period ? { period: flags.period as (typeof RELATIVE_PERIODS)[number] } : {}),
    ...(flags.group ? { groups: flags.group } : {}),
    ...(flags.subgroup ? { subgroups: flags.subgroup } : {}),
    ...(flags.location ? { locations: flags.location } : {}),
    ...(flags.status ? { statuses: flags.status } : {}),
    ...(flags.columns !== undefined ? { columns: columnsOf(flags.columns) } : {}),
    ...(flags.format ? { format: flags.format as (typeof REPORT_FORMATS)[number] } : {}),
    ...(flags.notify !== undefined ? { notify: flags.notify } : {}),
  };
}
