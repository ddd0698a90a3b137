import { createHash, randomBytes } from "node:crypto";

/**
 * Random bytes from a pool refilled 4 KB at a time: a bulk import asks for a few small pieces per person
 * (IDs, encryption IVs), and one system call per piece cost more than the rest of building the row.
 * The pool is consumed once, front to back, so no byte is handed out twice.
 */
let pool = Buffer.alloc(0);
let poolOffset = 0;
export function randomPiece(size: number): Buffer {
  if (poolOffset + size > pool.length) {
    pool = randomBytes(Math.max(4096, size));
    poolOffset = 0;
  }
  const piece = pool.subarray(poolOffset, poolOffset + size);
  poolOffset += size;
  return piece;
}

/**
 * Opaque prefixed IDs (`usr_…`, `mbr_…`): 24 hex digits, the creation time in milliseconds then six
 * random bytes. Time first keeps new rows at the right edge of every index keyed by an ID: a bulk import
 * with random IDs dirtied a different index page for almost every row, and writing those pages cost more
 * than the inserts. 48 random bits per millisecond leave collisions out of reach (the key is unique anyway).
 */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(16).padStart(12, "0")}${randomPiece(6).toString("hex")}`;
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
