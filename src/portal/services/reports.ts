import { open, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { z } from "zod";
import type {
  Report,
  ReportListQuery,
  ReportRequest,
  ReportType,
  Schedule,
  ScheduleCreate,
  ScheduleUpdate,
} from "../../contract/reports.js";
import type { RawFile } from "../../contract/routes.js";
import type { PortalContext } from "../context.js";
import type { Database, Db, Tx } from "../db/index.js";
import { catalogue, REPORT_DEFS } from "../db/report-queries.js";
import { AppError, notFound, Problems } from "../errors.js";
import { newId } from "../ids.js";
import type { Principal } from "./access.js";
import { audit } from "./audit.js";
import { addDays, addMonths, endOfMonth, todayOf } from "./dates.js";
import { notificationPreferences } from "./users.js";

/** Reports are kept this long after they are ready, then their files are deleted. */
export const RETENTION_DAYS = 30;
/** How far back a report may look. */
export const LOOKBACK_MONTHS = 24;

type ReportRow = Database["reports"];
type ScheduleRow = Database["report_schedules"];

export interface Parameters {
  from: string | null;
  to: string | null;
  asOf: string | null;
  groups: string[];
  subgroups: string[];
  locations: string[];
  statuses: string[];
  columns: string[];
}

export const EXTENSIONS = { csv: "csv", json: "json", pdf: "pdf" } as const;
export const CONTENT_TYPES = {
  csv: "text/csv; charset=utf-8",
  json: "application/json",
  pdf: "application/pdf",
} as const;

export const fileNameOf = (r: Pick<ReportRow, "type" | "period" | "id" | "format">) =>
  `${r.type}_${r.period}_${r.id}.${EXTENSIONS[r.format as keyof typeof EXTENSIONS]}`;
/** On disk the file is named by its ID only (no period or type: nothing to sanitise). */
export const storedFile = (ctx: PortalContext, r: Pick<ReportRow, "id" | "format">) =>
  join(ctx.files.reportsDir, `${r.id}.${EXTENSIONS[r.format as keyof typeof EXTENSIONS]}`);

export function toReport(r: ReportRow, scheduleName: string | null = null): Report {
  return {
    id: r.id,
    type: r.type as ReportType,
    format: r.format as Report["format"],
    status: r.status,
    period: r.period,
    parameters: JSON.parse(r.parameters) as Parameters,
    notify: r.notify === 1,
    scheduleId: r.schedule_id,
    scheduleName,
    requestedAt: r.requested_at,
    startedAt: r.started_at,
    readyAt: r.ready_at,
    expiresAt: r.expires_at,
    rowCount: r.row_count,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    error: r.error,
    fileName: fileNameOf(r),
  };
}

export const listTypes = async () => ({ types: catalogue() });

/**
 * Checks a report's criteria against the catalogue and the caller's scope; returns them normalised
 * (default columns filled in). Unknown groups, subgroups and locations, and groups outside the caller's
 * scope, are all "unknown": the caller must not learn what lies outside their scope.
 */
export async function checkCriteria(
  db: Db | Tx,
  principal: Principal,
  type: ReportType,
  c: {
    groups?: string[];
    subgroups?: string[];
    locations?: string[];
    statuses?: string[];
    columns?: string[];
  },
  problems: Problems,
): Promise<Omit<Parameters, "from" | "to" | "asOf">> {
  const def = REPORT_DEFS[type];
  const names = new Set(def.columns.map((col) => col.name));
  const columns = c.columns?.length ? c.columns : def.defaultColumns;
  const seen = new Set<string>();
  columns.forEach((col, i) => {
    if (!names.has(col))
      problems.add(
        `columns.${i}`,
        `unknown column "${col}" for ${type}; choose from: ${def.columns.map((x) => x.name).join(", ")}`,
      );
    else if (seen.has(col)) problems.add(`columns.${i}`, `column "${col}" is named twice`);
    seen.add(col);
  });
  const groups = [...new Set(c.groups ?? [])];
  if (groups.length) {
    const rows = await db
      .selectFrom("groups")
      .select(["id", "group_number"])
      .where("employer_id", "=", principal.employerId)
      .where("group_number", "in", groups)
      .execute();
    const visible = new Set(
      rows
        .filter((g) => principal.scope.employerWide || principal.scope.groupIds.has(g.id))
        .map((g) => g.group_number),
    );
    groups.forEach((g, i) => {
      if (!visible.has(g)) problems.add(`groups.${i}`, `unknown group ${g} (see \`hnctl group list\`)`);
    });
  }
  const subgroups = [...new Set(c.subgroups ?? [])];
  if (subgroups.length) {
    if (!def.subgroupSql) problems.add("subgroups", `${type} cannot be filtered by subgroup`);
    else {
      const rows = await db
        .selectFrom("subgroups")
        .innerJoin("groups", "groups.id", "subgroups.group_id")
        .select("subgroups.code")
        .where("groups.employer_id", "=", principal.employerId)
        .where("subgroups.code", "in", subgroups)
        .execute();
      const known = new Set(rows.map((r) => r.code));
      subgroups.forEach((s, i) => {
        if (!known.has(s)) problems.add(`subgroups.${i}`, `unknown subgroup ${s}`);
      });
    }
  }
  const locations = [...new Set(c.locations ?? [])];
  if (locations.length) {
    if (!def.locationSql) problems.add("locations", `${type} cannot be filtered by location`);
    else {
      const rows = await db
        .selectFrom("locations")
        .select(["id", "code"])
        .where("employer_id", "=", principal.employerId)
        .where("code", "in", locations)
        .execute();
      const visible = new Set(
        rows
          .filter(
            (l) =>
              principal.scope.employerWide ||
              principal.scope.locationIds.size === 0 ||
              principal.scope.locationIds.has(l.id),
          )
          .map((l) => l.code),
      );
      locations.forEach((l, i) => {
        if (!visible.has(l))
          problems.add(`locations.${i}`, `unknown location ${l} (see \`hnctl location list\`)`);
      });
    }
  }
  const statuses = [...new Set(c.statuses ?? [])];
  statuses.forEach((s, i) => {
    if (!def.statuses.length) problems.add("statuses", `${type} cannot be filtered by status`);
    else if (!def.statuses.includes(s))
      problems.add(
        `statuses.${i}`,
        `unknown status "${s}" for ${type}; choose from: ${def.statuses.join(", ")}`,
      );
  });
  return { groups, subgroups, locations, statuses, columns };
}

/** Period rules: within the last two years, `to` not before `from`, and the kind the type takes. */
export function checkPeriod(
  type: ReportType,
  p: { from?: string; to?: string; asOf?: string },
  today: string,
  problems: Problems,
): { from: string | null; to: string | null; asOf: string | null; period: string } {
  const def = REPORT_DEFS[type];
  const limit = addMonths(today, -LOOKBACK_MONTHS);
  const old = `is more than two years ago: reports cover ${limit} onwards`;
  if (def.period === "as-of") {
    if (p.from || p.to)
      problems.add(p.from ? "from" : "to", `${type} is as of a date: give asOf, not from/to`);
    const asOf = p.asOf ?? today;
    if (asOf < limit) problems.add("asOf", old);
    return { from: null, to: null, asOf, period: asOf };
  }
  if (p.asOf) problems.add("asOf", `${type} covers a period: give from and to, not asOf`);
  if (!p.from) problems.add("from", `is required: ${type} covers a period (from and to)`);
  if (!p.to) problems.add("to", `is required: ${type} covers a period (from and to)`);
  if (p.from && p.from < limit) problems.add("from", old);
  if (p.from && p.to && p.to < p.from)
    problems.add("to", `is before from (${p.from}): the period is reversed`);
  return { from: p.from ?? null, to: p.to ?? null, asOf: null, period: `${p.from}_${p.to}` };
}

async function insertReport(
  db: Db | Tx,
  now: Date,
  owner: { userId: string; employerId: string; tokenId: string | null },
  type: ReportType,
  format: string,
  params: Parameters,
  period: string,
  notify: boolean,
  scheduleId: string | null,
  status: ReportRow["status"] = "queued",
  error: string | null = null,
): Promise<ReportRow> {
  const row: ReportRow = {
    id: newId("rpt"),
    employer_id: owner.employerId,
    user_id: owner.userId,
    api_token_id: owner.tokenId,
    schedule_id: scheduleId,
    type,
    format,
    status,
    parameters: JSON.stringify(params),
    period,
    notify: notify ? 1 : 0,
    requested_at: now.toISOString(),
    started_at: null,
    ready_at: null,
    expires_at: null,
    row_count: null,
    size_bytes: null,
    sha256: null,
    error,
    attempts: 0,
  };
  await db.insertInto("reports").values(row).execute();
  return row;
}

export async function requestReport(
  ctx: PortalContext,
  principal: Principal,
  body: z.output<typeof ReportRequest>,
): Promise<Report> {
  const now = ctx.clock.now();
  const problems = new Problems();
  const period = checkPeriod(body.type, body, todayOf(now), problems);
  const criteria = await checkCriteria(ctx.db, principal, body.type, body, problems);
  problems.throwIfAny();
  const params: Parameters = { from: period.from, to: period.to, asOf: period.asOf, ...criteria };
  const tokenId = principal.credential.kind === "api_token" ? principal.credential.tokenId : null;
  const row = await insertReport(
    ctx.db,
    now,
    { userId: principal.userId, employerId: principal.employerId, tokenId },
    body.type,
    body.format,
    params,
    period.period,
    body.notify,
    null,
  );
  await audit(ctx.db, now, {
    employerId: principal.employerId,
    actor: principal,
    action: "report.request",
    objectType: "report",
    objectId: row.id,
    details: { type: body.type, period: period.period, format: body.format },
  });
  return toReport(row);
}

/** A report is its requester's: anyone else (even an administrator) gets 404. */
async function ownReport(ctx: PortalContext, principal: Principal, reportId: string): Promise<ReportRow> {
  const row = await ctx.db.selectFrom("reports").selectAll().where("id", "=", reportId).executeTakeFirst();
  if (!row || row.user_id !== principal.userId || row.employer_id !== principal.employerId)
    throw notFound(`report ${reportId}`);
  return row;
}

async function scheduleNames(ctx: PortalContext, rows: ReportRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.flatMap((r) => (r.schedule_id ? [r.schedule_id] : [])))];
  if (!ids.length) return new Map();
  const found = await ctx.db
    .selectFrom("report_schedules")
    .select(["id", "name"])
    .where("id", "in", ids)
    .execute();
  return new Map(found.map((s) => [s.id, s.name]));
}

export async function getReport(ctx: PortalContext, principal: Principal, reportId: string): Promise<Report> {
  const row = await ownReport(ctx, principal, reportId);
  return toReport(row, (await scheduleNames(ctx, [row])).get(row.schedule_id ?? "") ?? null);
}

export async function listReports(
  ctx: PortalContext,
  principal: Principal,
  query: z.output<typeof ReportListQuery>,
): Promise<{ reports: Report[] }> {
  let q = ctx.db
    .selectFrom("reports")
    .selectAll()
    .where("user_id", "=", principal.userId)
    .orderBy("requested_at", "desc")
    .orderBy("id", "desc")
    .limit(query.limit);
  if (query.status) q = q.where("status", "=", query.status);
  if (query.type) q = q.where("type", "=", query.type);
  if (query.schedule) {
    const schedule = await findSchedule(ctx, principal, query.schedule);
    q = q.where("schedule_id", "=", schedule.id);
  }
  const rows = await q.execute();
  const names = await scheduleNames(ctx, rows);
  return { reports: rows.map((r) => toReport(r, names.get(r.schedule_id ?? "") ?? null)) };
}

export async function downloadReport(
  ctx: PortalContext,
  principal: Principal,
  reportId: string,
): Promise<RawFile> {
  const row = await ownReport(ctx, principal, reportId);
  if (row.status === "expired")
    throw new AppError(
      404,
      "not_found",
      `report ${reportId} expired on ${row.expires_at?.slice(0, 10)} (reports are kept ${RETENTION_DAYS} days); request it again`,
    );
  if (row.status === "failed") throw new AppError(409, "conflict", `report ${reportId} failed: ${row.error}`);
  if (row.status !== "ready")
    throw new AppError(
      409,
      "conflict",
      `report ${reportId} is not ready yet (${row.status}); try again shortly`,
    );
  // Opened here, so a file removed meanwhile answers 404 rather than failing after the headers went out.
  const file = await open(storedFile(ctx, row)).catch(() => {
    throw new AppError(404, "not_found", `report ${reportId}'s file is gone; request it again`);
  });
  try {
    const { size } = await file.stat();
    await audit(ctx.db, ctx.clock.now(), {
      employerId: principal.employerId,
      actor: principal,
      action: "report.download",
      objectType: "report",
      objectId: row.id,
    });
    return {
      file,
      size,
      contentType: CONTENT_TYPES[row.format as keyof typeof CONTENT_TYPES],
      headers: {
        "x-report-sha256": row.sha256 ?? "",
        "content-disposition": `attachment; filename="${fileNameOf(row)}"`,
        "cache-control": "no-store",
      },
    };
  } catch (err) {
    await file.close();
    throw err;
  }
}

/** Expiry: files of reports ready for 30 days are deleted and the reports marked `expired`. */
export async function expireReports(ctx: PortalContext, now: Date): Promise<number> {
  const due = await ctx.db
    .selectFrom("reports")
    .select(["id", "format"])
    .where("status", "=", "ready")
    .where("expires_at", "<=", now.toISOString())
    .execute();
  for (const r of due) {
    await unlink(storedFile(ctx, r)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") throw err;
    });
    await ctx.db.updateTable("reports").set({ status: "expired" }).where("id", "=", r.id).execute();
  }
  return due.length;
}

// ---------------------------------------------------------------- recurring reports

const WEEKDAY_INDEX = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };

/** The first run date strictly after `after`. */
export function nextRunAfter(
  s: Pick<ScheduleRow, "frequency" | "day_of_month" | "weekday">,
  after: string,
): string {
  if (s.frequency === "weekly") {
    const target = WEEKDAY_INDEX[s.weekday as keyof typeof WEEKDAY_INDEX];
    let d = addDays(after, 1);
    while (new Date(`${d}T00:00:00Z`).getUTCDay() !== target) d = addDays(d, 1);
    return d;
  }
  const day = String(s.day_of_month).padStart(2, "0");
  const sameMonth = `${after.slice(0, 7)}-${day}`;
  return sameMonth > after ? sameMonth : `${addMonths(`${after.slice(0, 7)}-01`, 1).slice(0, 7)}-${day}`;
}

/** The period a run on `runDate` covers. */
export function relativePeriod(
  period: string,
  runDate: string,
): { from?: string; to?: string; asOf?: string } {
  if (period === "as-of-run-date") return { asOf: runDate };
  if (period === "month-to-date") return { from: `${runDate.slice(0, 7)}-01`, to: runDate };
  const first = addMonths(`${runDate.slice(0, 7)}-01`, -1);
  return { from: first, to: endOfMonth(first) };
}

function toSchedule(s: ScheduleRow): Schedule {
  const c = JSON.parse(s.criteria) as Omit<Parameters, "from" | "to" | "asOf">;
  return {
    id: s.id,
    name: s.name,
    type: s.type as ReportType,
    frequency: s.frequency,
    dayOfMonth: s.day_of_month,
    weekday: s.weekday as Schedule["weekday"],
    period: s.period as Schedule["period"],
    groups: c.groups,
    subgroups: c.subgroups,
    locations: c.locations,
    statuses: c.statuses,
    columns: c.columns,
    format: s.format as Schedule["format"],
    notify: s.notify === 1,
    nextRunDate: s.next_run_date,
    lastReportId: s.last_report_id,
    createdAt: s.created_at,
  };
}

async function findSchedule(ctx: PortalContext, principal: Principal, ref: string): Promise<ScheduleRow> {
  const row = await ctx.db
    .selectFrom("report_schedules")
    .selectAll()
    .where("user_id", "=", principal.userId)
    .where((eb) => eb.or([eb("id", "=", ref), eb("name", "=", ref)]))
    .executeTakeFirst();
  if (!row) throw notFound(`recurring report ${ref}`);
  return row;
}

function checkScheduleShape(
  s: {
    type: ReportType;
    frequency: string;
    dayOfMonth: number | null;
    weekday: string | null;
    period: string;
  },
  problems: Problems,
) {
  if (s.frequency === "monthly" && !s.dayOfMonth)
    problems.add("dayOfMonth", "is required for a monthly report (1-28)");
  if (s.frequency === "monthly" && s.weekday) problems.add("weekday", "applies to weekly reports only");
  if (s.frequency === "weekly" && !s.weekday) problems.add("weekday", "is required for a weekly report");
  if (s.frequency === "weekly" && s.dayOfMonth) problems.add("dayOfMonth", "applies to monthly reports only");
  const asOf = REPORT_DEFS[s.type].period === "as-of";
  if (asOf && s.period !== "as-of-run-date")
    problems.add("period", `${s.type} is as of a date: use as-of-run-date`);
  if (!asOf && s.period === "as-of-run-date")
    problems.add("period", `${s.type} covers a period: use previous-month or month-to-date`);
}

async function nameTaken(ctx: PortalContext, principal: Principal, name: string, except?: string) {
  let q = ctx.db
    .selectFrom("report_schedules")
    .select("id")
    .where("user_id", "=", principal.userId)
    .where("name", "=", name);
  if (except) q = q.where("id", "<>", except);
  if (await q.executeTakeFirst())
    throw new AppError(409, "conflict", `you already have a recurring report named ${name}`);
}

export async function createSchedule(
  ctx: PortalContext,
  principal: Principal,
  body: z.output<typeof ScheduleCreate>,
): Promise<Schedule> {
  const now = ctx.clock.now();
  const problems = new Problems();
  const shape = { ...body, dayOfMonth: body.dayOfMonth ?? null, weekday: body.weekday ?? null };
  checkScheduleShape(shape, problems);
  const criteria = await checkCriteria(ctx.db, principal, body.type, body, problems);
  problems.throwIfAny();
  await nameTaken(ctx, principal, body.name);
  // Without --notify/--no-notify, the owner's "report ready" preference decides.
  const notify = body.notify ?? (await notificationPreferences(ctx.db, principal.userId)).reportReady;
  const row: ScheduleRow = {
    id: newId("rsc"),
    employer_id: principal.employerId,
    user_id: principal.userId,
    name: body.name,
    type: body.type,
    frequency: body.frequency,
    day_of_month: shape.dayOfMonth,
    weekday: shape.weekday,
    period: body.period,
    criteria: JSON.stringify(criteria),
    format: body.format,
    notify: notify ? 1 : 0,
    next_run_date: "",
    last_report_id: null,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
  row.next_run_date = nextRunAfter(row, todayOf(now));
  await ctx.db.insertInto("report_schedules").values(row).execute();
  await audit(ctx.db, now, {
    employerId: principal.employerId,
    actor: principal,
    action: "report.schedule.create",
    objectType: "report_schedule",
    objectId: row.id,
  });
  return toSchedule(row);
}

export async function listSchedules(ctx: PortalContext, principal: Principal) {
  const rows = await ctx.db
    .selectFrom("report_schedules")
    .selectAll()
    .where("user_id", "=", principal.userId)
    .orderBy("name")
    .execute();
  return { schedules: rows.map(toSchedule) };
}

export async function updateSchedule(
  ctx: PortalContext,
  principal: Principal,
  ref: string,
  body: z.output<typeof ScheduleUpdate>,
): Promise<Schedule> {
  const now = ctx.clock.now();
  const current = await findSchedule(ctx, principal, ref);
  const old = toSchedule(current);
  const frequency = body.frequency ?? old.frequency;
  // Switching frequency drops the other kind's day unless it is given again.
  const dayOfMonth =
    body.dayOfMonth !== undefined ? body.dayOfMonth : frequency === "monthly" ? old.dayOfMonth : null;
  const weekday = body.weekday !== undefined ? body.weekday : frequency === "weekly" ? old.weekday : null;
  const type = body.type ?? old.type;
  const merged = {
    type,
    frequency,
    dayOfMonth,
    weekday,
    period: body.period ?? old.period,
    groups: body.groups ?? old.groups,
    subgroups: body.subgroups ?? old.subgroups,
    locations: body.locations ?? old.locations,
    statuses: body.statuses ?? old.statuses,
    // A new type has other columns: its defaults unless columns are given.
    columns: body.columns ?? (body.type && body.type !== old.type ? [] : old.columns),
  };
  const problems = new Problems();
  checkScheduleShape(merged, problems);
  const criteria = await checkCriteria(ctx.db, principal, type, merged, problems);
  problems.throwIfAny();
  const name = body.name ?? old.name;
  await nameTaken(ctx, principal, name, current.id);
  const timing = {
    frequency,
    day_of_month: dayOfMonth,
    weekday,
  };
  const row: ScheduleRow = {
    ...current,
    name,
    type,
    ...timing,
    period: merged.period,
    criteria: JSON.stringify(criteria),
    format: body.format ?? old.format,
    notify: (body.notify ?? old.notify) ? 1 : 0,
    next_run_date: nextRunAfter(timing, todayOf(now)),
    updated_at: now.toISOString(),
  };
  await ctx.db.updateTable("report_schedules").set(row).where("id", "=", current.id).execute();
  await audit(ctx.db, now, {
    employerId: principal.employerId,
    actor: principal,
    action: "report.schedule.update",
    objectType: "report_schedule",
    objectId: row.id,
    details: { changed: Object.keys(body) },
  });
  return toSchedule(row);
}

export async function deleteSchedule(ctx: PortalContext, principal: Principal, ref: string) {
  const row = await findSchedule(ctx, principal, ref);
  await ctx.db.deleteFrom("report_schedules").where("id", "=", row.id).execute();
  await audit(ctx.db, ctx.clock.now(), {
    employerId: principal.employerId,
    actor: principal,
    action: "report.schedule.delete",
    objectType: "report_schedule",
    objectId: row.id,
  });
  return { id: row.id, deleted: true as const };
}

/**
 * Queues a report for every recurring definition that fell due (once, for the latest missed date, if
 * the portal was down or the clock jumped). Criteria are checked again with the owner's scope today:
 * a definition that no longer fits (a group left their scope) yields a failed report saying why.
 */
export async function runDueSchedules(
  ctx: PortalContext,
  now: Date,
  principalOf: (userId: string) => Promise<Principal | undefined>,
): Promise<number> {
  const today = todayOf(now);
  const due = await ctx.db
    .selectFrom("report_schedules")
    .selectAll()
    .where("next_run_date", "<=", today)
    .execute();
  for (const s of due) {
    let runDate = s.next_run_date;
    while (nextRunAfter(s, runDate) <= today) runDate = nextRunAfter(s, runDate);
    const next = nextRunAfter(s, runDate);
    const principal = await principalOf(s.user_id);
    let reportId: string | null = null;
    if (principal) {
      const sched = toSchedule(s);
      const problems = new Problems();
      const period = checkPeriod(sched.type, relativePeriod(s.period, runDate), today, problems);
      const criteria = await checkCriteria(ctx.db, principal, sched.type, sched, problems);
      const params: Parameters = { from: period.from, to: period.to, asOf: period.asOf, ...criteria };
      const failed = problems.list.length
        ? `the recurring report no longer fits: ${problems.list.map((p) => `${p.path} ${p.message}`).join("; ")}`
        : null;
      const row = await insertReport(
        ctx.db,
        now,
        { userId: s.user_id, employerId: s.employer_id, tokenId: null },
        sched.type,
        s.format,
        params,
        period.period,
        s.notify === 1,
        s.id,
        failed ? "failed" : "queued",
        failed,
      );
      reportId = row.id;
    }
    await ctx.db
      .updateTable("report_schedules")
      .set({ next_run_date: next, ...(reportId ? { last_report_id: reportId } : {}) })
      .where("id", "=", s.id)
      .execute();
  }
  return due.length;
}
