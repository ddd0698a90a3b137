import { sql, type Kysely } from "kysely";

/**
 * Payments: bank accounts per group (account numbers encrypted, with an HMAC for duplicate checks), payments
 * (one ACH debit each; a split payment is several sharing a batch), recurring schedules, and the
 * idempotency records of money-moving requests (key + caller + request hash + the stored response).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("payment_methods")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id"))
    .addColumn("nickname", "text", (c) => c.notNull())
    .addColumn("routing_number", "text", (c) => c.notNull())
    .addColumn("account_encrypted", "text", (c) => c.notNull())
    .addColumn("account_hmac", "text", (c) => c.notNull())
    .addColumn("account_last4", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("removed_at", "text")
    .execute();
  // Nicknames are unique per group among accounts not removed (case-insensitive).
  await sql`create unique index payment_methods_nickname on payment_methods (group_id, lower(nickname)) where removed_at is null`.execute(
    db,
  );
  await db.schema
    .createIndex("payment_methods_account")
    .on("payment_methods")
    .columns(["group_id", "account_hmac"])
    .execute();

  await db.schema
    .createTable("payment_schedules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id"))
    .addColumn("day_of_month", "integer", (c) => c.notNull())
    // JSON: [{methodId, amountCents|null}]
    .addColumn("allocations", "text", (c) => c.notNull())
    .addColumn("start_date", "text", (c) => c.notNull())
    .addColumn("end_date", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("next_run_date", "text")
    .addColumn("last_run_date", "text")
    .addColumn("created_by", "text", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("payments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("batch_id", "text", (c) => c.notNull())
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id"))
    .addColumn("invoice_id", "text", (c) => c.notNull().references("invoices.id"))
    .addColumn("method_id", "text", (c) => c.notNull().references("payment_methods.id"))
    .addColumn("amount_cents", "integer", (c) => c.notNull())
    .addColumn("pay_date", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("settle_date", "text")
    .addColumn("return_code", "text")
    .addColumn("schedule_id", "text", (c) => c.references("payment_schedules.id"))
    .addColumn("created_by", "text", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("payments_status").on("payments").columns(["status", "pay_date"]).execute();
  await db.schema.createIndex("payments_invoice").on("payments").column("invoice_id").execute();
  await db.schema.createIndex("payments_method").on("payments").columns(["method_id", "status"]).execute();
  await db.schema.createIndex("payments_batch").on("payments").column("batch_id").execute();

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("route", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    // in_progress while the first request runs; done with its response.
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("response_status", "integer")
    .addColumn("response_body", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["user_id", "key"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("The portal does not migrate down; restore a backup instead.");
}
