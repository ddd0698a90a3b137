import type { Kysely } from "kysely";

/**
 * Reports: each request (one-time or made by a schedule) and the recurring definitions. The files live
 * next to the database (`<db>.reports/`); a row says where its file is in its lifecycle.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("report_schedules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("frequency", "text", (c) => c.notNull())
    .addColumn("day_of_month", "integer")
    .addColumn("weekday", "text")
    .addColumn("period", "text", (c) => c.notNull())
    // JSON: groups, subgroups, locations, statuses, columns.
    .addColumn("criteria", "text", (c) => c.notNull())
    .addColumn("format", "text", (c) => c.notNull())
    .addColumn("notify", "integer", (c) => c.notNull())
    .addColumn("next_run_date", "text", (c) => c.notNull())
    .addColumn("last_report_id", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("report_schedules_user_name")
    .on("report_schedules")
    .columns(["user_id", "name"])
    .unique()
    .execute();
  await db.schema
    .createIndex("report_schedules_due")
    .on("report_schedules")
    .column("next_run_date")
    .execute();

  await db.schema
    .createTable("reports")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("api_token_id", "text")
    .addColumn("schedule_id", "text")
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("format", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    // JSON of the contract's ReportParameters (resolved: dates filled in, default columns named).
    .addColumn("parameters", "text", (c) => c.notNull())
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("notify", "integer", (c) => c.notNull())
    .addColumn("requested_at", "text", (c) => c.notNull())
    .addColumn("started_at", "text")
    .addColumn("ready_at", "text")
    .addColumn("expires_at", "text")
    .addColumn("row_count", "integer")
    .addColumn("size_bytes", "integer")
    .addColumn("sha256", "text")
    .addColumn("error", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("reports_status").on("reports").columns(["status", "requested_at"]).execute();
  await db.schema.createIndex("reports_user").on("reports").columns(["user_id", "requested_at"]).execute();
  await db.schema
    .createIndex("reports_schedule")
    .on("reports")
    .columns(["schedule_id", "requested_at"])
    .execute();
  await db.schema
    .createIndex("enrollment_transactions_employer_effective")
    .on("enrollment_transactions")
    .columns(["employer_id", "effective_date"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("reports").execute();
  await db.schema.dropTable("report_schedules").execute();
}
