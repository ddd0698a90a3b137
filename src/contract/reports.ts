import { z } from "zod";
import { IsoDate, Timestamp } from "./common.js";
import { REPORT_TYPES, REPORT_FORMATS, REPORT_STATUSES, WEEKDAYS, RELATIVE_PERIODS } from "./enums.js";
export { REPORT_TYPES, REPORT_FORMATS, REPORT_STATUSES, WEEKDAYS, RELATIVE_PERIODS } from "./enums.js";

/*
 * Reports: standard reports with a choice of columns and filters, run asynchronously by the portal,
 * kept 30 days after they are ready. A report is `rpt_…`; a recurring definition (schedule) `rsc_…`.
 */

export const ReportType = z.enum(REPORT_TYPES);
export type ReportType = z.infer<typeof ReportType>;

export const ReportFormat = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof ReportFormat>;

export const ReportStatus = z.enum(REPORT_STATUSES);

/** `as-of`: one date (a roster on that day); `range`: from and to, both included. */
export const PeriodKind = z.enum(["as-of", "range"]);

export const ReportTypeInfo = z.object({
  type: ReportType,
  title: z.string(),
  description: z.string(),
  period: PeriodKind,
  /** Values `statuses` accepts for this type (empty: the filter does not apply). */
  statuses: z.array(z.string()),
  /** Filters this type accepts besides the period. */
  filters: z.array(z.enum(["groups", "subgroups", "locations", "statuses"])),
  columns: z.array(z.object({ name: z.string(), description: z.string() })),
  defaultColumns: z.array(z.string()),
});
export type ReportTypeInfo = z.infer<typeof ReportTypeInfo>;
export const ReportTypeList = z.object({ types: z.array(ReportTypeInfo) });

const Codes = (what: string, example: string) =>
  z
    .array(z.string().trim().toUpperCase().min(1).max(20))
    .max(50)
    .optional()
    .describe(`${what}, e.g. ${example}`);

/** The criteria of a report: the same for one-time requests and recurring definitions (minus the period). */
const Criteria = {
  groups: Codes("group numbers (default: every group in the caller's scope)", "G1000001"),
  subgroups: Codes("subgroup codes", "SAL"),
  locations: Codes("location codes", "DET"),
  statuses: z.array(z.string().trim().toLowerCase().min(1).max(30)).max(10).optional(),
  columns: z
    .array(z.string().trim().min(1).max(60))
    .min(1)
    .max(60)
    .optional()
    .describe("columns in the order wanted (default: the type's default columns)"),
  format: ReportFormat.default("csv"),
  notify: z.boolean().default(false).describe("e-mail the requester when the report is ready"),
};

export const ReportRequest = z.strictObject({
  type: ReportType,
  from: IsoDate.optional().describe("range reports: first day (within the last two years)"),
  to: IsoDate.optional().describe("range reports: last day (included)"),
  asOf: IsoDate.optional().describe("as-of reports: the day (default: today)"),
  ...Criteria,
});
export type ReportRequest = z.infer<typeof ReportRequest>;

export const ReportParameters = z.object({
  from: IsoDate.nullable(),
  to: IsoDate.nullable(),
  asOf: IsoDate.nullable(),
  groups: z.array(z.string()),
  subgroups: z.array(z.string()),
  locations: z.array(z.string()),
  statuses: z.array(z.string()),
  columns: z.array(z.string()),
});

export const Report = z.object({
  id: z.string(),
  type: ReportType,
  format: ReportFormat,
  status: ReportStatus,
  /** `2026-10-01_2026-10-31` (range) or `2026-11-15` (as of). */
  period: z.string(),
  parameters: ReportParameters,
  notify: z.boolean(),
  scheduleId: z.string().nullable(),
  scheduleName: z.string().nullable(),
  requestedAt: Timestamp,
  startedAt: Timestamp.nullable(),
  readyAt: Timestamp.nullable(),
  expiresAt: Timestamp.nullable().describe("30 days after ready: the file is deleted then"),
  rowCount: z.number().int().nullable(),
  sizeBytes: z.number().int().nullable(),
  sha256: z.string().nullable(),
  error: z.string().nullable(),
  /** Stable file name: `<type>_<period>_<report-id>.<format>`. */
  fileName: z.string(),
});
export type Report = z.infer<typeof Report>;

export const ReportId = z
  .string()
  .trim()
  .regex(/^rpt_[a-z0-9]{1,64}$/, "must be a report ID like rpt_0123abcd… (see `hnctl report list`)");
export const ReportParams = z.object({ reportId: ReportId });

export const ReportListQuery = z.object({
  status: ReportStatus.optional(),
  type: ReportType.optional(),
  schedule: z.string().trim().min(1).max(80).optional().describe("a schedule's ID or name"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const ReportList = z.object({ reports: z.array(Report) });

/** The download: the file itself (its size in content-length, its SHA-256 in x-report-sha256). */
export const ReportFile = z.string().describe("the report file (CSV, JSON or PDF)");

// ---------------------------------------------------------------- recurring reports

export const Weekday = z.enum(WEEKDAYS);
export const Frequency = z.enum(["monthly", "weekly"]);
export const RelativePeriod = z.enum(RELATIVE_PERIODS);

const ScheduleName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/, "must be 1-60 letters, digits, dots, dashes or underscores");

export const ScheduleCreate = z.strictObject({
  name: ScheduleName,
  type: ReportType,
  frequency: Frequency,
  dayOfMonth: z.number().int().min(1).max(28).optional().describe("monthly: the day it runs (1-28)"),
  weekday: Weekday.optional().describe("weekly: the day it runs"),
  period: RelativePeriod,
  ...Criteria,
  notify: z
    .boolean()
    .optional()
    .describe("e-mail when each run is ready (default: your report-ready preference)"),
});
export const ScheduleUpdate = z.strictObject({
  name: ScheduleName.optional(),
  type: ReportType.optional(),
  frequency: Frequency.optional(),
  dayOfMonth: z.number().int().min(1).max(28).nullable().optional(),
  weekday: Weekday.nullable().optional(),
  period: RelativePeriod.optional(),
  groups: Criteria.groups,
  subgroups: Criteria.subgroups,
  locations: Criteria.locations,
  statuses: Criteria.statuses,
  columns: z.array(z.string().trim().min(1).max(60)).max(60).optional().describe("[] resets to the default"),
  format: ReportFormat.optional(),
  notify: z.boolean().optional(),
});

export const Schedule = z.object({
  id: z.string(),
  name: z.string(),
  type: ReportType,
  frequency: Frequency,
  dayOfMonth: z.number().int().nullable(),
  weekday: Weekday.nullable(),
  period: RelativePeriod,
  groups: z.array(z.string()),
  subgroups: z.array(z.string()),
  locations: z.array(z.string()),
  statuses: z.array(z.string()),
  columns: z.array(z.string()),
  format: ReportFormat,
  notify: z.boolean(),
  nextRunDate: IsoDate,
  lastReportId: z.string().nullable(),
  createdAt: Timestamp,
});
export type Schedule = z.infer<typeof Schedule>;
export const ScheduleList = z.object({ schedules: z.array(Schedule) });
export const ScheduleParams = z.object({
  schedule: z.string().trim().min(1).max(80).describe("the schedule's ID (rsc_…) or name"),
});
export const ScheduleDeleted = z.object({ id: z.string(), deleted: z.literal(true) });
