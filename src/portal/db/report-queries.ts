import type { ReportType, ReportTypeInfo } from "../../contract/reports.js";

/**
 * The SQL behind each report type. A report's SELECT list is built from the columns the caller chose,
 * each looked up here by name (never taken from input), so the text of a query is always ours; every
 * value is a bound parameter. Rows come out in a stable order and are streamed, never collected.
 */
export interface ColumnDef {
  name: string;
  description: string;
  sql: string;
  money?: boolean;
}

export interface ReportDef {
  type: ReportType;
  title: string;
  description: string;
  period: "as-of" | "range";
  statuses: string[];
  /** The expression `statuses` filters on. */
  statusSql?: string;
  /** What scope and the place filters apply to: members (group, location) or groups only (invoices). */
  place: "member" | "group";
  groupSql: string;
  locationSql?: string;
  subgroupSql?: string;
  from: string;
  /** Period condition, with @asOf or @from/@to. */
  when: string;
  groupBy?: string;
  orderBy: string;
  columns: ColumnDef[];
  defaultColumns: string[];
}

const MEMBER_JOINS = `
  JOIN people s ON s.member_id = m.id AND s.relationship = 'subscriber'
  JOIN groups g ON g.id = m.group_id
  LEFT JOIN subgroups sg ON sg.id = m.subgroup_id
  JOIN locations l ON l.id = m.location_id
  JOIN plans p ON p.id = m.plan_id`;

const placeColumns: ColumnDef[] = [
  { name: "group", description: "group number", sql: "g.group_number" },
  { name: "subgroup", description: "subgroup code", sql: "sg.code" },
  { name: "location", description: "location code", sql: "l.code" },
  { name: "plan", description: "plan code", sql: "p.code" },
];

const subscriberColumns: ColumnDef[] = [
  { name: "member_id", description: "member ID (mbr_…)", sql: "m.id" },
  { name: "employee_number", description: "the employer's HR ID", sql: "m.employee_number" },
];

export const REPORT_DEFS: Record<ReportType, ReportDef> = {
  "enrollment-roster": {
    type: "enrollment-roster",
    title: "Enrollment roster",
    description: "Every subscriber covered on a date, with plan, tier, covered people and monthly premium",
    period: "as-of",
    statuses: ["active", "terminated", "cobra"],
    statusSql: "m.status",
    place: "member",
    groupSql: "m.group_id",
    locationSql: "m.location_id",
    subgroupSql: "sg.code",
    from: `members m ${MEMBER_JOINS}`,
    when: "m.effective_date <= @asOf AND (m.termination_date IS NULL OR m.termination_date >= @asOf OR m.status = 'cobra')",
    orderBy: "m.sort_name, m.id",
    columns: [
      ...subscriberColumns,
      { name: "last_name", description: "subscriber's last name", sql: "s.last_name" },
      { name: "first_name", description: "subscriber's first name", sql: "s.first_name" },
      { name: "date_of_birth", description: "subscriber's date of birth", sql: "s.date_of_birth" },
      { name: "sex", description: "subscriber's sex", sql: "s.sex" },
      { name: "email", description: "subscriber's e-mail", sql: "s.email" },
      ...placeColumns,
      { name: "tier", description: "coverage tier (EE, ES, EC, EF)", sql: "m.tier" },
      { name: "status", description: "active, terminated or cobra", sql: "m.status" },
      { name: "effective_date", description: "coverage start", sql: "m.effective_date" },
      { name: "termination_date", description: "coverage end, if any", sql: "m.termination_date" },
      { name: "hire_date", description: "hire date", sql: "m.hire_date" },
      { name: "employment_status", description: "employment status", sql: "m.employment_status" },
      {
        name: "covered_people",
        description: "people covered on the date (subscriber included)",
        sql: "(SELECT count(*) FROM people x WHERE x.member_id = m.id AND x.coverage_start <= @asOf AND (x.coverage_end IS NULL OR x.coverage_end >= @asOf))",
      },
      {
        name: "monthly_premium",
        description: "monthly premium, USD",
        sql: "m.monthly_premium_cents",
        money: true,
      },
    ],
    defaultColumns: [
      "member_id",
      "employee_number",
      "last_name",
      "first_name",
      "group",
      "subgroup",
      "location",
      "plan",
      "tier",
      "status",
      "effective_date",
      "termination_date",
      "covered_people",
      "monthly_premium",
    ],
  },
  "dependents-roster": {
    type: "dependents-roster",
    title: "Dependents roster",
    description: "Every dependent covered on a date, with their subscriber",
    period: "as-of",
    statuses: ["active", "removed", "terminated", "cobra"],
    statusSql: "d.status",
    place: "member",
    groupSql: "m.group_id",
    locationSql: "m.location_id",
    subgroupSql: "sg.code",
    from: `people d JOIN members m ON m.id = d.member_id ${MEMBER_JOINS}`,
    when: "d.relationship <> 'subscriber' AND d.coverage_start <= @asOf AND (d.coverage_end IS NULL OR d.coverage_end >= @asOf)",
    orderBy: "m.sort_name, m.id, d.date_of_birth, d.id",
    columns: [
      ...subscriberColumns,
      {
        name: "subscriber_name",
        description: "subscriber's name",
        sql: "s.last_name || ', ' || s.first_name",
      },
      { name: "person_id", description: "dependent's person ID", sql: "d.id" },
      { name: "last_name", description: "dependent's last name", sql: "d.last_name" },
      { name: "first_name", description: "dependent's first name", sql: "d.first_name" },
      { name: "relationship", description: "relationship to the subscriber", sql: "d.relationship" },
      { name: "date_of_birth", description: "date of birth", sql: "d.date_of_birth" },
      { name: "sex", description: "sex", sql: "d.sex" },
      {
        name: "disabled",
        description: "disabled dependent (yes/no)",
        sql: "CASE d.disabled WHEN 1 THEN 'yes' ELSE 'no' END",
      },
      { name: "status", description: "active, removed, terminated or cobra", sql: "d.status" },
      { name: "coverage_start", description: "coverage start", sql: "d.coverage_start" },
      { name: "coverage_end", description: "coverage end, if any", sql: "d.coverage_end" },
      ...placeColumns,
    ],
    defaultColumns: [
      "member_id",
      "employee_number",
      "subscriber_name",
      "last_name",
      "first_name",
      "relationship",
      "date_of_birth",
      "status",
      "coverage_start",
      "coverage_end",
      "group",
      "location",
      "plan",
    ],
  },
  "membership-changes": {
    type: "membership-changes",
    title: "Membership changes",
    description: "Additions, changes, terminations, reinstatements and COBRA elections effective in a period",
    period: "range",
    statuses: ["addition", "change", "termination", "reinstatement", "cobra"],
    statusSql: "t.type",
    place: "member",
    groupSql: "m.group_id",
    locationSql: "m.location_id",
    subgroupSql: "sg.code",
    from: `enrollment_transactions t JOIN members m ON m.id = t.member_id ${MEMBER_JOINS}
      LEFT JOIN people pp ON pp.id = t.person_id`,
    when: "t.effective_date BETWEEN @from AND @to",
    orderBy: "t.effective_date, t.at, t.id",
    columns: [
      { name: "effective_date", description: "when the change takes effect", sql: "t.effective_date" },
      { name: "recorded_at", description: "when it was recorded (UTC)", sql: "t.at" },
      { name: "change", description: "addition, change, termination, reinstatement or cobra", sql: "t.type" },
      ...subscriberColumns,
      {
        name: "subscriber_name",
        description: "subscriber's name",
        sql: "s.last_name || ', ' || s.first_name",
      },
      {
        name: "person_name",
        description: "the person the change is about (empty: the whole membership)",
        sql: "CASE WHEN pp.id IS NULL THEN NULL ELSE pp.last_name || ', ' || pp.first_name END",
      },
      { name: "description", description: "what changed", sql: "t.description" },
      {
        name: "maintenance_type",
        description: "X12 834 maintenance type code",
        sql: "t.maintenance_type_code",
      },
      {
        name: "maintenance_reason",
        description: "X12 834 maintenance reason code",
        sql: "t.maintenance_reason_code",
      },
      ...placeColumns,
    ],
    defaultColumns: [
      "effective_date",
      "change",
      "member_id",
      "employee_number",
      "subscriber_name",
      "person_name",
      "description",
      "group",
      "location",
      "plan",
    ],
  },
  "cobra-roster": {
    type: "cobra-roster",
    title: "COBRA roster",
    description: "COBRA continuations in force on a date",
    period: "as-of",
    statuses: [],
    place: "member",
    groupSql: "m.group_id",
    locationSql: "m.location_id",
    subgroupSql: "sg.code",
    from: `cobra_coverages c JOIN members m ON m.id = c.member_id ${MEMBER_JOINS}`,
    when: "c.coverage_start <= @asOf AND c.coverage_end >= @asOf",
    orderBy: "m.sort_name, m.id, c.coverage_start",
    columns: [
      ...subscriberColumns,
      {
        name: "subscriber_name",
        description: "subscriber's name",
        sql: "s.last_name || ', ' || s.first_name",
      },
      { name: "event", description: "qualifying event", sql: "c.event" },
      { name: "event_date", description: "qualifying event date", sql: "c.event_date" },
      { name: "tier", description: "COBRA tier", sql: "c.tier" },
      { name: "coverage_start", description: "COBRA coverage start", sql: "c.coverage_start" },
      { name: "coverage_end", description: "COBRA coverage end", sql: "c.coverage_end" },
      { name: "months", description: "months of continuation", sql: "c.months" },
      { name: "election_deadline", description: "election deadline", sql: "c.election_deadline" },
      {
        name: "monthly_premium",
        description: "COBRA monthly premium, USD",
        sql: "c.monthly_premium_cents",
        money: true,
      },
      ...placeColumns,
    ],
    defaultColumns: [
      "member_id",
      "employee_number",
      "subscriber_name",
      "event",
      "event_date",
      "tier",
      "coverage_start",
      "coverage_end",
      "election_deadline",
      "monthly_premium",
      "group",
      "location",
    ],
  },
  "billing-history": {
    type: "billing-history",
    title: "Billing history",
    description: "Invoices issued in a period with their totals",
    period: "range",
    statuses: [],
    place: "group",
    groupSql: "i.group_id",
    from: "invoices i JOIN groups g ON g.id = i.group_id",
    when: "i.issue_date BETWEEN @from AND @to",
    orderBy: "i.issue_date, g.group_number",
    columns: [
      { name: "invoice_number", description: "invoice number", sql: "i.number" },
      { name: "invoice_id", description: "invoice ID (inv_…)", sql: "i.id" },
      { name: "group", description: "group number", sql: "g.group_number" },
      { name: "period", description: "coverage month billed", sql: "i.period" },
      { name: "issue_date", description: "issue date", sql: "i.issue_date" },
      { name: "due_date", description: "due date", sql: "i.due_date" },
      {
        name: "previous_balance",
        description: "previous balance, USD",
        sql: "i.previous_balance_cents",
        money: true,
      },
      { name: "payments", description: "payments received, USD", sql: "i.payments_cents", money: true },
      { name: "adjustments", description: "adjustments, USD", sql: "i.adjustments_cents", money: true },
      {
        name: "current_charges",
        description: "current charges, USD",
        sql: "i.current_charges_cents",
        money: true,
      },
      { name: "amount_due", description: "amount due, USD", sql: "i.amount_due_cents", money: true },
      { name: "lines", description: "subscribers billed", sql: "i.line_count" },
    ],
    defaultColumns: [
      "invoice_number",
      "group",
      "period",
      "issue_date",
      "due_date",
      "previous_balance",
      "payments",
      "adjustments",
      "current_charges",
      "amount_due",
    ],
  },
  "payment-history": {
    type: "payment-history",
    title: "Payment history",
    description: "Money applied to invoices in a period (negative: returned payments)",
    period: "range",
    statuses: [],
    place: "group",
    groupSql: "i.group_id",
    from: "payments_applied pa JOIN invoices i ON i.id = pa.invoice_id JOIN groups g ON g.id = i.group_id",
    when: "substr(pa.applied_at, 1, 10) BETWEEN @from AND @to",
    orderBy: "pa.applied_at, pa.id",
    columns: [
      { name: "applied_at", description: "when it was applied (UTC)", sql: "pa.applied_at" },
      { name: "payment_id", description: "payment ID", sql: "pa.id" },
      { name: "amount", description: "amount, USD", sql: "pa.amount_cents", money: true },
      { name: "source", description: "where the money came from", sql: "pa.source" },
      { name: "reference", description: "reference", sql: "pa.reference" },
      { name: "invoice_number", description: "invoice number", sql: "i.number" },
      { name: "group", description: "group number", sql: "g.group_number" },
      { name: "period", description: "coverage month of the invoice", sql: "i.period" },
    ],
    defaultColumns: ["applied_at", "payment_id", "amount", "source", "reference", "invoice_number", "group"],
  },
  "premium-by-group": {
    type: "premium-by-group",
    title: "Premium by group and subgroup",
    description: "Billed premium per coverage month, group and subgroup (invoices for months in the period)",
    period: "range",
    statuses: [],
    place: "group",
    groupSql: "i.group_id",
    subgroupSql: "il.subgroup",
    from: "invoice_lines il JOIN invoices i ON i.id = il.invoice_id JOIN groups g ON g.id = i.group_id",
    when: "i.period BETWEEN substr(@from, 1, 7) AND substr(@to, 1, 7)",
    groupBy: "i.period, g.group_number, il.subgroup",
    orderBy: "i.period, g.group_number, il.subgroup",
    columns: [
      { name: "period", description: "coverage month", sql: "i.period" },
      { name: "group", description: "group number", sql: "g.group_number" },
      { name: "group_name", description: "group name", sql: "min(g.name)" },
      { name: "subgroup", description: "subgroup code", sql: "il.subgroup" },
      { name: "subscribers", description: "subscribers billed", sql: "count(*)" },
      { name: "premium", description: "premium billed, USD", sql: "sum(il.premium_cents)", money: true },
    ],
    defaultColumns: ["period", "group", "group_name", "subgroup", "subscribers", "premium"],
  },
};

export function catalogue(): ReportTypeInfo[] {
  return Object.values(REPORT_DEFS).map((d) => ({
    type: d.type,
    title: d.title,
    description: d.description,
    period: d.period,
    statuses: d.statuses,
    filters: [
      "groups" as const,
      ...(d.subgroupSql ? ["subgroups" as const] : []),
      ...(d.locationSql ? ["locations" as const] : []),
      ...(d.statuses.length ? ["statuses" as const] : []),
    ],
    columns: d.columns.map((c) => ({ name: c.name, description: c.description })),
    defaultColumns: d.defaultColumns,
  }));
}

/** What a run needs, resolved: IDs for the scope and filters, and the period. */
export interface ReportQueryInput {
  employerId: string;
  asOf: string | null;
  from: string | null;
  to: string | null;
  columns: string[];
  /** Group IDs the rows must be in (scope ∩ filter); null: no group restriction. */
  groupIds: string[] | null;
  /** Location IDs (scope ∩ filter); null: none. */
  locationIds: string[] | null;
  subgroups: string[];
  statuses: string[];
  /** The caller's scope excludes every row of this type (e.g. a location-scoped caller and invoices). */
  nothing: boolean;
}

export function buildReportQuery(
  def: ReportDef,
  input: ReportQueryInput,
): { sql: string; params: Record<string, unknown>; columns: ColumnDef[] } {
  const byName = new Map(def.columns.map((c) => [c.name, c]));
  const columns = input.columns.map((n) => byName.get(n)!);
  const params: Record<string, unknown> = { employer: input.employerId };
  if (def.period === "as-of") params.asOf = input.asOf;
  else Object.assign(params, { from: input.from, to: input.to });
  const where = [`g.employer_id = @employer`, def.when];
  const list = (prefix: string, values: string[]) => {
    if (!values.length) return "(NULL)";
    return `(${values
      .map((v, i) => {
        params[`${prefix}${i}`] = v;
        return `@${prefix}${i}`;
      })
      .join(", ")})`;
  };
  if (input.nothing) where.push("0");
  if (input.groupIds) where.push(`${def.groupSql} IN ${list("g", input.groupIds)}`);
  if (input.locationIds && def.locationSql)
    where.push(`${def.locationSql} IN ${list("l", input.locationIds)}`);
  if (input.subgroups.length && def.subgroupSql)
    where.push(`${def.subgroupSql} IN ${list("s", input.subgroups)}`);
  if (input.statuses.length && def.statusSql) where.push(`${def.statusSql} IN ${list("st", input.statuses)}`);
  const sql = [
    `SELECT ${columns.map((c, i) => `${c.sql} AS c${i}`).join(", ")}`,
    `FROM ${def.from}`,
    `WHERE ${where.map((w) => `(${w})`).join(" AND ")}`,
    def.groupBy ? `GROUP BY ${def.groupBy}` : "",
    `ORDER BY ${def.orderBy}`,
  ].join("\n");
  return { sql, params, columns };
}
