import type { Kysely } from "kysely";

/**
 * Billing: one invoice per group per month, its lines (one per subscriber: the charge for the invoice's
 * month), adjustments (per member and month: what changed after a month was billed), payments applied
 * to invoices (the payments issue posts here), amount-due requests, and each group's billing account
 * (billing preferences and the next billing cycle).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("billing_accounts")
    .addColumn("group_id", "text", (c) => c.primaryKey().references("groups.id"))
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    // The next 15th on which an invoice is due to be issued (YYYY-MM-DD).
    .addColumn("next_cycle_date", "text", (c) => c.notNull())
    .addColumn("paper_billing", "integer", (c) => c.notNull())
    .addColumn("email_billing", "integer", (c) => c.notNull())
    .addColumn("email_to", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("invoices")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id"))
    .addColumn("number", "text", (c) => c.notNull().unique())
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("issue_date", "text", (c) => c.notNull())
    .addColumn("due_date", "text", (c) => c.notNull())
    .addColumn("issued_at", "text", (c) => c.notNull())
    .addColumn("previous_balance_cents", "integer", (c) => c.notNull())
    .addColumn("payments_cents", "integer", (c) => c.notNull())
    .addColumn("adjustments_cents", "integer", (c) => c.notNull())
    .addColumn("current_charges_cents", "integer", (c) => c.notNull())
    .addColumn("amount_due_cents", "integer", (c) => c.notNull())
    .addColumn("line_count", "integer", (c) => c.notNull())
    .addColumn("delivery", "text", (c) => c.notNull())
    .addColumn("closed_at", "text")
    .execute();
  await db.schema
    .createIndex("invoices_group_period")
    .on("invoices")
    .columns(["group_id", "period"])
    .unique()
    .execute();
  await db.schema
    .createIndex("invoices_employer")
    .on("invoices")
    .columns(["employer_id", "period"])
    .execute();

  await db.schema
    .createTable("invoice_lines")
    .addColumn("invoice_id", "text", (c) => c.notNull().references("invoices.id"))
    .addColumn("member_id", "text", (c) => c.notNull().references("members.id"))
    .addColumn("sort_name", "text", (c) => c.notNull())
    .addColumn("subscriber_name", "text", (c) => c.notNull())
    .addColumn("employee_number", "text", (c) => c.notNull())
    .addColumn("subgroup", "text")
    .addColumn("location", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("plan_code", "text")
    .addColumn("tier", "text")
    // JSON: covered people [{personId, name, relationship, status, coverageEnd}] and COBRA parts.
    .addColumn("people", "text", (c) => c.notNull())
    .addColumn("regular_cents", "integer", (c) => c.notNull())
    .addColumn("cobra_cents", "integer", (c) => c.notNull())
    .addColumn("premium_cents", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("invoice_lines_pk", ["invoice_id", "member_id"])
    .execute();
  // Pages of lines in name order straight off the index.
  await db.schema
    .createIndex("invoice_lines_order")
    .on("invoice_lines")
    .columns(["invoice_id", "sort_name", "member_id"])
    .execute();
  await db.schema.createIndex("invoice_lines_member").on("invoice_lines").column("member_id").execute();

  await db.schema
    .createTable("invoice_adjustments")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("invoice_id", "text", (c) => c.notNull().references("invoices.id"))
    .addColumn("member_id", "text", (c) => c.notNull().references("members.id"))
    .addColumn("coverage_month", "text", (c) => c.notNull())
    .addColumn("amount_cents", "integer", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("request_id", "text")
    .execute();
  await db.schema
    .createIndex("invoice_adjustments_invoice")
    .on("invoice_adjustments")
    .column("invoice_id")
    .execute();
  await db.schema
    .createIndex("invoice_adjustments_member")
    .on("invoice_adjustments")
    .columns(["member_id", "coverage_month"])
    .execute();

  await db.schema
    .createTable("payments_applied")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("invoice_id", "text", (c) => c.notNull().references("invoices.id"))
    .addColumn("amount_cents", "integer", (c) => c.notNull())
    .addColumn("applied_at", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("reference", "text")
    .execute();
  await db.schema
    .createIndex("payments_applied_invoice")
    .on("payments_applied")
    .column("invoice_id")
    .execute();

  await db.schema
    .createTable("amount_due_requests")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("invoice_id", "text", (c) => c.notNull().references("invoices.id"))
    .addColumn("member_id", "text", (c) => c.references("members.id"))
    .addColumn("amount_cents", "integer", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("verification", "text")
    .addColumn("requested_by", "text", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("verified_at", "text")
    .execute();
  await db.schema
    .createIndex("amount_due_requests_invoice")
    .on("amount_due_requests")
    .column("invoice_id")
    .execute();
  await db.schema
    .createIndex("amount_due_requests_status")
    .on("amount_due_requests")
    .column("status")
    .execute();
  // Adjustments look for members changed since an invoice was issued.
  await db.schema
    .createIndex("enrollment_transactions_at")
    .on("enrollment_transactions")
    .columns(["at", "member_id"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("The portal does not migrate down; restore a backup instead.");
}
