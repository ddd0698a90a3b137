import type { Kysely } from "kysely";

/**
 * Members (a subscriber's enrollment), the people it covers, COBRA continuations and the enrollment
 * transaction log (what an 834 export writes). SSNs are stored encrypted with an HMAC for exact lookup.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("members")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id"))
    .addColumn("subgroup_id", "text", (c) => c.references("subgroups.id"))
    .addColumn("location_id", "text", (c) => c.notNull().references("locations.id"))
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id"))
    .addColumn("plan_effective_date", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("tier", "text")
    .addColumn("monthly_premium_cents", "integer", (c) => c.notNull())
    .addColumn("effective_date", "text", (c) => c.notNull())
    .addColumn("termination_date", "text")
    .addColumn("termination_reason", "text")
    .addColumn("employee_number", "text", (c) => c.notNull())
    .addColumn("hire_date", "text", (c) => c.notNull())
    .addColumn("employment_status", "text", (c) => c.notNull())
    // The subscriber's name key, copied here so search pages in name order straight off an index.
    .addColumn("sort_name", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("members_employer_sort")
    .on("members")
    .columns(["employer_id", "sort_name", "id"])
    .execute();
  await db.schema
    .createIndex("members_employee_number")
    .on("members")
    .columns(["employer_id", "employee_number"])
    .execute();
  await db.schema
    .createIndex("members_group")
    .on("members")
    .columns(["group_id", "sort_name", "id"])
    .execute();
  await db.schema
    .createIndex("members_location")
    .on("members")
    .columns(["location_id", "sort_name", "id"])
    .execute();

  await db.schema
    .createTable("cobra_coverages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("member_id", "text", (c) => c.notNull().references("members.id"))
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("event_date", "text", (c) => c.notNull())
    .addColumn("tier", "text", (c) => c.notNull())
    .addColumn("regular_coverage_end", "text", (c) => c.notNull())
    .addColumn("coverage_start", "text", (c) => c.notNull())
    .addColumn("coverage_end", "text", (c) => c.notNull())
    .addColumn("months", "integer", (c) => c.notNull())
    .addColumn("election_deadline", "text", (c) => c.notNull())
    .addColumn("monthly_premium_cents", "integer", (c) => c.notNull())
    .addColumn("extended_monthly_premium_cents", "integer")
    .addColumn("extended_from", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("cobra_coverages_member").on("cobra_coverages").column("member_id").execute();

  await db.schema
    .createTable("people")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("member_id", "text", (c) => c.notNull().references("members.id"))
    // Denormalised from the member: SSN uniqueness and search are per employer.
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("relationship", "text", (c) => c.notNull())
    .addColumn("first_name", "text", (c) => c.notNull())
    .addColumn("middle_name", "text")
    .addColumn("last_name", "text", (c) => c.notNull())
    // `last, first` lowercased without accents: name-prefix search is a range scan on it.
    .addColumn("name_key", "text", (c) => c.notNull())
    .addColumn("ssn_encrypted", "text")
    .addColumn("ssn_hmac", "text")
    .addColumn("ssn_last4", "text")
    .addColumn("date_of_birth", "text", (c) => c.notNull())
    .addColumn("sex", "text", (c) => c.notNull())
    .addColumn("marital_status", "text")
    .addColumn("disabled", "integer", (c) => c.notNull())
    .addColumn("email", "text")
    .addColumn("phone", "text")
    .addColumn("address", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("coverage_start", "text", (c) => c.notNull())
    .addColumn("coverage_end", "text")
    .addColumn("pcp_provider_id", "text", (c) => c.references("providers.id"))
    .addColumn("cobra_id", "text", (c) => c.references("cobra_coverages.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("people_member").on("people").column("member_id").execute();
  await db.schema.createIndex("people_ssn").on("people").columns(["employer_id", "ssn_hmac"]).execute();
  // Covering (member_id included): a name-prefix search reads only the index.
  await db.schema
    .createIndex("people_name")
    .on("people")
    .columns(["employer_id", "name_key", "member_id"])
    .execute();

  await db.schema
    .createTable("enrollment_transactions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("member_id", "text", (c) => c.notNull().references("members.id"))
    .addColumn("person_id", "text", (c) => c.references("people.id"))
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("maintenance_type_code", "text", (c) => c.notNull())
    .addColumn("maintenance_reason_code", "text", (c) => c.notNull())
    .addColumn("effective_date", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("details", "text")
    .addColumn("actor_user_id", "text", (c) => c.references("users.id"))
    .addColumn("api_token_id", "text", (c) => c.references("api_tokens.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("enrollment_transactions_member")
    .on("enrollment_transactions")
    .columns(["member_id", "at"])
    .execute();
  // The 834 export reads changes of an employer since a date.
  await db.schema
    .createIndex("enrollment_transactions_employer_at")
    .on("enrollment_transactions")
    .columns(["employer_id", "at"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("The portal does not migrate down; restore a backup instead.");
}
