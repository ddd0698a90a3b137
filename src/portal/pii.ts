import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { randomPiece } from "./ids.js";

/**
 * Encryption of personal identifiers (SSNs) at rest. One 256-bit master key lives outside the database
 * (portal config, or a key file next to it); two keys are derived from it with HKDF so the search HMAC
 * and the encryption never share a key. Ciphertext format: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
export class PiiVault {
  // Key objects, made once: a raw Buffer key is turned into one on every call (a few µs each).
  readonly #encKey: KeyObject;
  readonly #macKey: KeyObject;
  readonly #hashes: Map<string, string> | undefined;

  constructor(masterKey: Buffer | PiiVault, { remember = false } = {}) {
    if (masterKey instanceof PiiVault) {
      this.#encKey = masterKey.#encKey;
      this.#macKey = masterKey.#macKey;
    } else {
      if (masterKey.length !== 32) throw new Error("the PII master key must be 32 bytes (256 bits)");
      this.#encKey = createSecretKey(
        Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), "hnctl pii aes-256-gcm v1", 32)),
      );
      this.#macKey = createSecretKey(
        Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), "hnctl pii hmac-sha256 v1", 32)),
      );
    }
    this.#hashes = remember ? new Map() : undefined;
  }

  /**
   * The same keys, remembering every lookup hash it makes for as long as it is kept: a roster import's
   * batch hashes each SSN more than once (to read ahead, then for the row), ~4 µs an HMAC. Kept for one
   * request only, so the SSNs it holds live no longer than the request body that brought them.
   */
  remembering(): PiiVault {
    return new PiiVault(this, { remember: true });
  }

  encrypt(plain: string): string {
    const iv = randomPiece(12);
    const cipher = createCipheriv("aes-256-gcm", this.#encKey, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return ["v1", iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
      .join(".");
  }

  decrypt(stored: string): string {
    const [version, iv, tag, body] = stored.split(".");
    if (version !== "v1" || !iv || !tag || body === undefined)
      throw new Error("unknown PII ciphertext format");
    const decipher = createDecipheriv("aes-256-gcm", this.#encKey, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  }

  /**
   * Deterministic keyed hash for exact lookup; useless without the key (SSNs are only 10^9 values). The
   * first 128 bits, in hex: short index keys (migration 0008) and no collision in reach.
   */
  lookupHash(plain: string): string {
    let hash = this.#hashes?.get(plain);
    if (hash === undefined) {
      hash = createHmac("sha256", this.#macKey).update(plain).digest("hex").slice(0, 32);
      this.#hashes?.set(plain, hash);
    }
    return hash;
  }
}

/** `***-**-6789` from the last four digits, or null when there is no SSN. */
export function maskSsn(last4: string | null): string | null {
  return last4 ? `***-**-${last4}` : null;
}

export function formatSsn(digits: string): string {
  return `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
}

/**
 * The master key: from config (64 hex characters or base64 of 32 bytes), else from the key file,
 * created with mode 0600 on first start. An in-memory database gets a throwaway key.
 */
export function loadPiiKey(opts: { key?: string; keyFile?: string; dbFile: string }): Buffer {
  if (opts.key) return decodeKey(opts.key, "the configured PII key");
  if (opts.dbFile === ":memory:" && !opts.keyFile) return randomBytes(32);
  const file = opts.keyFile ?? `${opts.dbFile}.key`;
  if (!existsSync(file)) {
    try {
      // "wx": never overwrite a key another process wrote in the meantime; losing it loses every SSN.
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, `${randomBytes(32).toString("hex")}\n`);
      closeSync(fd);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  if (process.platform !== "win32" && (statSync(file).mode & 0o077) !== 0)
    throw new Error(`the PII key file ${file} is readable by other users; run chmod 600 ${file}`);
  return decodeKey(readFileSync(file, "utf8").trim(), `the PII key file ${file}`);
}

function decodeKey(text: string, where: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
  if (key.length !== 32) throw new Error(`${where} must hold 32 bytes as 64 hex characters or base64`);
  return key;
}
