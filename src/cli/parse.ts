import { readFileSync } from "node:fs";
import { usageError } from "./errors.js";

/**
 * Checks for values typed on the command line, before anything is sent: each message names the
 * flag and shows a value that works. (The portal checks them again with the contract's rules.)
 */

/** `YYYY-MM-DD` and a real calendar day. */
export function parseDate(flag: string, value: string): string {
  const v = value.trim();
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : undefined;
  if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) {
    throw usageError(`${flag} must be a date as YYYY-MM-DD, e.g. 2026-12-01 (got "${value}")`);
  }
  return v;
}

export function parseMemberId(flag: string, value: string): string {
  const v = value.trim();
  if (!/^mbr_[a-z0-9]{1,64}$/.test(v))
    throw usageError(
      `${flag} must be a member ID such as mbr_0a1b2c… (see \`hnctl member search\`), not "${value}"`,
    );
  return v;
}

export function parsePersonId(flag: string, value: string): string {
  const v = value.trim();
  if (!/^per_[a-z0-9]{1,64}$/.test(v))
    throw usageError(
      `${flag} must be a person ID such as per_0a1b2c… (see \`hnctl member show\`), not "${value}"`,
    );
  return v;
}

/** `1 Main St, Detroit, MI 48201` or `1 Main St, Apt 2, Detroit, MI 48201`. */
export function parseAddress(flag: string, value: string) {
  const parts = value.split(",").map((p) => p.trim());
  const last = /^([A-Za-z]{2})\s+(\d{5}(?:-\d{4})?)$/.exec(parts.at(-1) ?? "");
  if (parts.length < 3 || parts.length > 4 || !last) {
    throw usageError(
      `${flag} must read "street, [line 2,] city, ST ZIP", e.g. "120 Main Street, Detroit, MI 48201"`,
    );
  }
  const [line1, ...rest] = parts;
  const city = rest.at(-2)!;
  return {
    line1: line1!,
    ...(rest.length === 3 ? { line2: rest[0]! } : {}),
    city,
    state: last[1]!.toUpperCase(),
    zip: last[2]!,
  };
}

/** A JSON file given with --file: unreadable or invalid JSON is a usage error naming the file. */
export function readJsonFile(flag: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw usageError(`${flag} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    throw usageError(
      `${flag} ${path} is not valid JSON: ${(err as Error).message}`,
      "see `hnctl member enroll --help` for the file's shape",
    );
  }
}

/** SSNs never go in flags (other users see process arguments): they come from stdin or a hidden prompt. */
export async function readSsnFromStdin(): Promise<string> {
  const { readStdinSecret } = await import("./prompt.js");
  return (await readStdinSecret("ssn")).trim();
}
