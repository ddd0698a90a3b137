import type { Kysely } from "kysely";

/**
 * Roster import jobs: one row per job (a file, by its hash), the stored result of every operation (so a
 * job resumes and its results can be fetched again), and the batch idempotency keys seen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("import_jobs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("api_token_id", "text", (c) => c.references("api_tokens.id"))
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("file_sha256", "text", (c) => c.notNull())
    .addColumn("format", "text", (c) => c.notNull())
    .addColumn("total_rows", "integer", (c) => c.notNull())
    .addColumn("total_operations", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("import_jobs_user")
    .on("import_jobs")
    .columns(["user_id", "created_at"])
    .execute();
  await db.schema
    .createTable("import_rows")
    .addColumn("job_id", "text", (c) => c.notNull().references("import_jobs.id"))
    .addColumn("ref", "integer", (c) => c.notNull())
    // SHA-256 of the operation as sent: the same ref with other content is refused, not applied.
    .addColumn("operation_sha256", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("member_id", "text")
    // JSON: { changes, error } (never an SSN)
    .addColumn("result", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("import_rows_pk", ["job_id", "ref"])
    .execute();
  await db.schema
    .createTable("import_batches")
    .addColumn("job_id", "text", (c) => c.notNull().references("import_jobs.id"))
    .addColumn("idempotency_key", "text", (c) => c.notNull())
    .addColumn("request_sha256", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("import_batches_pk", ["job_id", "idempotency_key"])
    .execute();
  // The member export's --since reads members by last change.
  await db.schema
    .createIndex("members_employer_updated")
    .on("members")
    .columns(["employer_id", "updated_at", "id"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("The portal does not migrate down; restore a backup instead.");
}
