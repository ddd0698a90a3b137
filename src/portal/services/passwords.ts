import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { AppError } from "../errors.js";

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

// scrypt parameters (OWASP: N=2^17 r=8 p=1 is the high end; 2^15 keeps a login near 50 ms on 2 cores).
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize("NFKC"), salt, KEYLEN, { N, r: R, p: P, maxmem: MAXMEM });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [algo, n, r, p, salt, hash] = stored.split("$");
  if (algo !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const key = await scrypt(password.normalize("NFKC"), Buffer.from(salt, "base64"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAXMEM,
  });
  return timingSafeEqual(key, expected);
}

/** A hash of a password nobody has, so an unknown username costs the same time as a wrong password. */
export const DUMMY_HASH_PROMISE = hashPassword(randomBytes(24).toString("hex"));

// NIST SP 800-63B-4 asks to refuse passwords from breach corpora and context words; this is a
// short list of the long ones that appear at the top of such corpora.
const BLOCKLIST = new Set([
  "passwordpassword",
  "password1234567",
  "password12345678",
  "123456789012345",
  "1234567890123456",
  "qwertyuiopasdfgh",
  "qwertyuiopasdfghjkl",
  "qwertyuiop123456",
  "iloveyouiloveyou",
  "abcdefghijklmnop",
  "letmeinletmein1",
  "welcomewelcome1",
  "administrator123",
  "changemechangeme",
  "correcthorsebatterystaple",
]);

/** Length is checked by the contract; this adds the blocklist and context checks, naming the field. */
export function checkPasswordStrength(password: string, context: string[]): void {
  const p = password.normalize("NFKC").toLowerCase();
  const compact = p.replace(/\s+/g, "");
  const problem =
    BLOCKLIST.has(compact) || BLOCKLIST.has(p)
      ? "is on the list of commonly used passwords; choose a passphrase of your own"
      : /^(.)\1+$/.test(compact)
        ? "repeats one character; choose a passphrase of several words"
        : context.some((word) => word.length >= 4 && compact.includes(word.toLowerCase().replace(/\s+/g, "")))
          ? "must not contain your username, the employer's name or the group number"
          : undefined;
  if (problem) {
    throw new AppError(400, "validation_failed", `password ${problem}`, [
      { path: "password", message: problem },
    ]);
  }
}
