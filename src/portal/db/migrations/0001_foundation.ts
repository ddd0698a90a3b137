import { sql, type Kysely } from "kysely";

// Migrations take Kysely<unknown>: they must not depend on today's schema types.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("employers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("policyholder_id", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
    .execute();

  await db.schema
    .createTable("groups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("group_number", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("subgroups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addUniqueConstraint("subgroups_group_code", ["group_id", "code"])
    .execute();

  await db.schema
    .createTable("locations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("city", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addUniqueConstraint("locations_employer_code", ["employer_id", "code"])
    .execute();

  await db.schema
    .createTable("plans")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("requires_pcp", "integer", (c) => c.notNull())
    .addColumn("rate_ee", "integer", (c) => c.notNull())
    .addColumn("rate_es", "integer", (c) => c.notNull())
    .addColumn("rate_ec", "integer", (c) => c.notNull())
    .addColumn("rate_ef", "integer", (c) => c.notNull())
    .addUniqueConstraint("plans_employer_code", ["employer_id", "code"])
    .execute();

  await db.schema
    .createTable("plan_groups")
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id"))
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id"))
    .addPrimaryKeyConstraint("plan_groups_pk", ["plan_id", "group_id"])
    .execute();

  await db.schema
    .createTable("providers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("npi", "text", (c) => c.notNull().unique())
    .addColumn("first_name", "text", (c) => c.notNull())
    .addColumn("last_name", "text", (c) => c.notNull())
    .addColumn("specialty", "text", (c) => c.notNull())
    .addColumn("city", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("zip", "text", (c) => c.notNull())
    .addColumn("accepting_new_patients", "integer", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("provider_plans")
    .addColumn("provider_id", "text", (c) => c.notNull().references("providers.id"))
    .addColumn("plan_id", "text", (c) => c.notNull().references("plans.id"))
    .addPrimaryKeyConstraint("provider_plans_pk", ["provider_id", "plan_id"])
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("employer_id", "text", (c) => c.notNull().references("employers.id"))
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("username", "text", (c) => c.unique())
    .addColumn("password_hash", "text")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("phone", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("failed_logins", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("locked_until", "text")
    .addColumn("created_by", "text", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("registered_at", "text")
    .execute();
  // Exactly one primary administrator per employer.
  await sql`CREATE UNIQUE INDEX users_one_primary ON users(employer_id) WHERE role = 'primary-admin'`.execute(
    db,
  );

  await db.schema
    .createTable("user_features")
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("feature", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("user_features_pk", ["user_id", "feature"])
    .execute();

  await db.schema
    .createTable("user_scopes")
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("group_id", "text", (c) => c.references("groups.id"))
    .addColumn("location_id", "text", (c) => c.references("locations.id"))
    .execute();
  await db.schema.createIndex("user_scopes_user").on("user_scopes").column("user_id").execute();

  await db.schema
    .createTable("registration_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .addColumn("revoked_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("session_families")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .addColumn("revoked_reason", "text")
    .execute();

  await db.schema
    .createTable("session_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("family_id", "text", (c) => c.notNull().references("session_families.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("session_tokens_family").on("session_tokens").column("family_id").execute();

  await db.schema
    .createTable("api_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("features", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addUniqueConstraint("api_tokens_user_name", ["user_id", "name"])
    .execute();

  await db.schema
    .createTable("outbox")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("to_addr", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("attachments", "text")
    .addColumn("sent_at", "text", (c) => c.notNull())
    .addColumn("transport", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("outbox_to").on("outbox").columns(["to_addr", "sent_at"]).execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("employer_id", "text", (c) => c.references("employers.id"))
    .addColumn("actor_user_id", "text", (c) => c.references("users.id"))
    .addColumn("api_token_id", "text", (c) => c.references("api_tokens.id"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("object_type", "text")
    .addColumn("object_id", "text")
    .addColumn("details", "text")
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("audit_events_employer_at")
    .on("audit_events")
    .columns(["employer_id", "at"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("The portal does not migrate down; restore a backup instead.");
}
