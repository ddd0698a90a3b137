import type { Report, Schedule } from "../../contract/reports.js";
import type { Column } from "../output.js";
import { renderFields } from "../output.js";

export const humanSize = (n: number | null) =>
  n === null
    ? ""
    : n < 1024
      ? `${n} B`
      : n < 1024 ** 2
        ? `${(n / 1024).toFixed(1)} KB`
        : `${(n / 1024 ** 2).toFixed(1)} MB`;

export const reportColumns: Column<Report>[] = [
  { header: "id", get: (r) => r.id },
  { header: "type", get: (r) => r.type },
  { header: "period", get: (r) => r.period },
  { header: "format", get: (r) => r.format },
  { header: "status", get: (r) => r.status },
  { header: "rows", get: (r) => r.rowCount },
  { header: "size", get: (r) => humanSize(r.sizeBytes) },
  { header: "expires", get: (r) => r.expiresAt?.slice(0, 10) },
  { header: "schedule", get: (r) => r.scheduleName },
];

export function renderReport(r: Report): string {
  return renderFields([
    ["report", r.id],
    ["type", r.type],
    ["period", r.period],
    ["format", r.format],
    ["status", r.status],
    ...(r.error ? ([["error", r.error]] as [string, unknown][]) : []),
    ["rows", r.rowCount],
    ["size", r.sizeBytes === null ? "" : `${humanSize(r.sizeBytes)} (${r.sizeBytes} bytes)`],
    ["requested", r.requestedAt],
    ["ready", r.readyAt],
    ["expires", r.expiresAt],
    ["columns", r.parameters.columns],
    ["groups", r.parameters.groups.length ? r.parameters.groups : "all in your scope"],
    ["file name", r.fileName],
    ["sha256", r.sha256],
    ...(r.scheduleName ? ([["schedule", r.scheduleName]] as [string, unknown][]) : []),
  ]);
}

export const scheduleColumns: Column<Schedule>[] = [
  { header: "name", get: (s) => s.name },
  { header: "type", get: (s) => s.type },
  {
    header: "runs",
    get: (s) => (s.frequency === "monthly" ? `monthly on day ${s.dayOfMonth}` : `weekly on ${s.weekday}`),
  },
  { header: "period", get: (s) => s.period },
  { header: "format", get: (s) => s.format },
  { header: "notify", get: (s) => (s.notify ? "yes" : "no") },
  { header: "next run", get: (s) => s.nextRunDate },
  { header: "id", get: (s) => s.id },
];
