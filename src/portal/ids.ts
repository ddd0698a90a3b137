import { createHash, randomBytes } from "node:crypto";

/** Opaque prefixed IDs (`usr_…`, `emp_…`): 16 random bytes in base32 would be overkill; 12 in hex is plenty. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

/** Deterministic ID for seeded demo objects, so seeding is idempotent and docs can name them. */
export function seedId(prefix: string, name: string): string {
  return `${prefix}_${createHash("sha256").update(name).digest("hex").slice(0, 24)}`;
}

/** Secrets (tokens, registration keys) are stored only as their SHA-256. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** `hna_…` access, `hnr_…` refresh, `hnt_…` API tokens: 256 random bits, URL-safe. */
export function newToken(prefix: "hna" | "hnr" | "hnt"): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

const KEY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I: keys are read from e-mails and typed
/** Registration keys: 16 characters (80 bits) in groups of four, e.g. `K7QP-3MZD-9WXA-TR4E`. */
export function newRegistrationKey(): string {
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => KEY_ALPHABET[b % KEY_ALPHABET.length]).join("");
  return chars.match(/.{4}/g)!.join("-");
}

/** Keys are compared without dashes, spaces or case, as people copy them. */
export function normalizeRegistrationKey(key: string): string {
  return key.replace(/[\s-]/g, "").toUpperCase();
}
