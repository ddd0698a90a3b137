import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // At most one secondary administrator per employer (the primary's own index is in 0001).
  await sql`CREATE UNIQUE INDEX users_one_secondary ON users(employer_id) WHERE role = 'secondary-admin'`.execute(
    db,
  );
  await db.schema
    .createTable("user_notifications")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("report_ready", "integer", (c) => c.notNull())
    .addColumn("bill_available", "integer", (c) => c.notNull())
    .addColumn("payment_status", "integer", (c) => c.notNull())
    .addColumn("enrollment_changes", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("api_tokens_user").on("api_tokens").column("user_id").execute();
  await db.schema.createIndex("session_families_user").on("session_families").column("user_id").execute();
  await db.schema
    .createIndex("audit_events_object")
    .on("audit_events")
    .columns(["object_type", "object_id"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("The portal does not migrate down; restore a backup instead.");
}
