import { z } from "zod";
import { FEATURES, ROLES } from "./enums.js";
export { FEATURES, ROLES } from "./enums.js";

export const Feature = z.enum(FEATURES);
export type Feature = z.infer<typeof Feature>;

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** ISO timestamp in UTC, e.g. 2026-11-27T20:17:26.000Z. */
export const Timestamp = z.iso.datetime();
/** Coverage date, ISO YYYY-MM-DD without a time zone. */
export const IsoDate = z.iso.date();

/**
 * Policyholder IDs are 9 digits; shorter input is left-padded with zeros wherever it is typed
 * (`1234` → `000001234`).
 */
export const PolicyholderId = z
  .string()
  .trim()
  .regex(/^\d{1,9}$/, "must be 1 to 9 digits, e.g. 1234 or 000001234")
  .transform((v) => v.padStart(9, "0"));

export function padPolicyholderId(raw: string): string {
  return raw.trim().padStart(9, "0");
}

export const GroupNumber = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^G\d{7}$/, "must look like G1000001 (G and 7 digits)");
