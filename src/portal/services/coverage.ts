import type { CobraEvent, CoverageTier } from "../../contract/members.js";
import { addDays, addMonths, maxDate } from "./dates.js";

/** Pure coverage rules: tiers, premiums, COBRA periods, name keys. No I/O, so they are easy to test. */

export const SPOUSE_LIKE = new Set(["spouse", "domestic-partner"]);
export const isSpouseLike = (relationship: string) => SPOUSE_LIKE.has(relationship);
export const isChildLike = (relationship: string) =>
  relationship !== "subscriber" && !isSpouseLike(relationship);

/** Children age out of coverage on their 26th birthday unless disabled. */
export const CHILD_AGE_LIMIT = 26;
/** Effective, termination and reinstatement dates may reach back this far. */
export const RETRO_DAYS = 60;
/** Newborns may be enrolled before their SSN is issued. */
export const NEWBORN_DAYS = 365;

/** The tier follows from who is covered: a spouse/partner makes it ES, children EC, both EF. */
export function tierFor(relationships: Iterable<string>): CoverageTier {
  let spouse = false;
  let child = false;
  for (const r of relationships) {
    if (isSpouseLike(r)) spouse = true;
    else if (r !== "subscriber") child = true;
  }
  return spouse && child ? "EF" : spouse ? "ES" : child ? "EC" : "EE";
}

export interface PlanRates {
  rate_ee: number;
  rate_es: number;
  rate_ec: number;
  rate_ef: number;
}

export function rateFor(plan: PlanRates, tier: CoverageTier): number {
  return { EE: plan.rate_ee, ES: plan.rate_es, EC: plan.rate_ec, EF: plan.rate_ef }[tier];
}

/**
 * The tier of a COBRA continuation. With the subscriber among them it is the usual tier. Without
 * (a widowed spouse with children, a divorced spouse, a child who lost eligibility) the spouse, or else
 * one child, stands in for the employee: one person is EE, anyone more is EC.
 */
export function cobraTier(relationships: string[]): CoverageTier {
  if (relationships.includes("subscriber")) return tierFor(relationships);
  return relationships.length > 1 ? "EC" : "EE";
}

/** Percentages as integer arithmetic on cents, rounded half up. */
export const percentOf = (cents: number, percent: number) => Math.round((cents * percent) / 100);
export const COBRA_PERCENT = 102;
export const COBRA_DISABILITY_PERCENT = 150;
export const COBRA_ELECTION_DAYS = 60;

export const EMPLOYEE_EVENTS = new Set<CobraEvent>([
  "termination-of-employment",
  "reduced-hours",
  "disability-extension",
]);
/** Events that end the whole member's regular coverage first (the employee left, died or moved to Medicare). */
export const MEMBER_ENDING_EVENTS = new Set<CobraEvent>([...EMPLOYEE_EVENTS, "death", "medicare"]);
/** Events that concern one dependent while the employee stays covered. */
export const DEPENDENT_EVENTS = new Set<CobraEvent>(["divorce", "legal-separation", "dependent-ineligible"]);

export function cobraMonths(event: CobraEvent): 18 | 29 | 36 {
  if (event === "termination-of-employment" || event === "reduced-hours") return 18;
  if (event === "disability-extension") return 29;
  return 36;
}

export interface CobraTerms {
  coverageStart: string;
  coverageEnd: string;
  months: number;
  electionDeadline: string;
  monthlyPremiumCents: number;
  extendedMonthlyPremiumCents: number | null;
  extendedFrom: string | null;
}

/**
 * COBRA starts the day after regular coverage ends and lasts 18/29/36 months. The premium is 102% of
 * the plan's rate; a disability extension charges 150% from month 19. The election window is 60 days
 * from the later of the loss of coverage and the day the portal records it (the notice).
 */
export function cobraTerms(
  event: CobraEvent,
  regularCoverageEnd: string,
  rateCents: number,
  noticeDate: string,
): CobraTerms {
  const months = cobraMonths(event);
  const coverageStart = addDays(regularCoverageEnd, 1);
  const extended = event === "disability-extension";
  return {
    coverageStart,
    coverageEnd: addDays(addMonths(coverageStart, months), -1),
    months,
    electionDeadline: addDays(maxDate(coverageStart, noticeDate), COBRA_ELECTION_DAYS),
    monthlyPremiumCents: percentOf(rateCents, COBRA_PERCENT),
    extendedMonthlyPremiumCents: extended ? percentOf(rateCents, COBRA_DISABILITY_PERCENT) : null,
    extendedFrom: extended ? addMonths(coverageStart, 18) : null,
  };
}

/** `last, first` in lower case without accents or extra spaces: the key name-prefix search ranges over. */
export function nameKey(last: string, first: string): string {
  return `${normalizeName(last)}, ${normalizeName(first)}`;
}

export function normalizeName(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * What users type to search: `smi` (a last-name prefix) or `smith, jo` (last name, then a first-name
 * prefix). Returns the key prefix to range-scan.
 */
export function namePrefix(query: string): string {
  const comma = query.indexOf(",");
  if (comma < 0) return normalizeName(query);
  return `${normalizeName(query.slice(0, comma))}, ${normalizeName(query.slice(comma + 1))}`;
}
