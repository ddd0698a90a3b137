import type { CoverageTier } from "../../contract/members.js";
import { rateFor, tierFor, type PlanRates } from "./coverage.js";
import { addMonths, endOfMonth } from "./dates.js";

/**
 * What a member owes for one month, from the roster as it stands. Pure: the invoice, its adjustments and
 * the property-based test all use this one function.
 *
 * Whole months: a person covered on any day of a month counts for the whole month (effective dates are
 * firsts of months and terminations ends of months, so this only matters for newborns, who count from
 * their month of birth). Regular coverage is the plan's rate for the tier of everyone covered that month;
 * COBRA continuations add their own premium (102%, or 150% from the extension month of a disability
 * extension).
 */

export interface RosterPerson {
  id: string;
  name: string;
  relationship: string;
  status: string;
  coverageStart: string;
  /** Last day of regular coverage; null while open-ended. */
  coverageEnd: string | null;
  cobraId: string | null;
}
export interface RosterCobra {
  id: string;
  tier: CoverageTier;
  coverageStart: string;
  coverageEnd: string;
  monthlyCents: number;
  extendedCents: number | null;
  extendedFrom: string | null;
}
export interface RosterMember {
  id: string;
  subscriberName: string;
  sortName: string;
  employeeNumber: string;
  subgroup: string | null;
  location: string;
  status: "active" | "terminated" | "cobra";
  planCode: string;
  /** Plan changes in the order they were made (their effective dates only move forward). */
  planChanges: { effectiveDate: string; fromPlan: string; toPlan: string }[];
  terminationDate: string | null;
  people: RosterPerson[];
  cobra: RosterCobra[];
}

export interface MonthCharge {
  planCode: string | null;
  tier: CoverageTier | null;
  regularCents: number;
  cobraCents: number;
  totalCents: number;
  people: RosterPerson[];
}

export const monthStart = (month: string) => `${month}-01`;
export const nextMonth = (month: string) => addMonths(monthStart(month), 1).slice(0, 7);
export const previousMonth = (month: string) => addMonths(monthStart(month), -1).slice(0, 7);

/** Months from `from` to `to`, both included (YYYY-MM). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) out.push(m);
  return out;
}

/** A month's first and last day, computed once per month (monthCharge runs for every member). */
const spans = new Map<string, { first: string; last: string }>();
function span(month: string) {
  let s = spans.get(month);
  if (!s) spans.set(month, (s = { first: monthStart(month), last: endOfMonth(monthStart(month)) }));
  return s;
}
const overlaps = (start: string, end: string | null, month: string) => {
  const { first, last } = span(month);
  return start <= last && (end === null || end >= first);
};

export function planInMonth(member: RosterMember, month: string): string {
  if (!member.planChanges.length) return member.planCode;
  let plan = member.planChanges[0]!.fromPlan;
  for (const c of member.planChanges) if (c.effectiveDate <= monthStart(month)) plan = c.toPlan;
  return plan;
}

export function monthCharge(
  member: RosterMember,
  month: string,
  plans: ReadonlyMap<string, PlanRates>,
): MonthCharge {
  const regular = member.people.filter((p) => overlaps(p.coverageStart, p.coverageEnd, month));
  let planCode: string | null = null;
  let tier: CoverageTier | null = null;
  let regularCents = 0;
  if (regular.length) {
    planCode = planInMonth(member, month);
    tier = tierFor(regular.map((p) => p.relationship));
    const plan = plans.get(planCode);
    regularCents = plan ? rateFor(plan, tier) : 0;
  }
  let cobraCents = 0;
  const onCobra: RosterPerson[] = [];
  for (const c of member.cobra) {
    if (!overlaps(c.coverageStart, c.coverageEnd, month)) continue;
    const extended =
      c.extendedFrom !== null && c.extendedCents !== null && monthStart(month) >= c.extendedFrom;
    cobraCents += extended ? c.extendedCents! : c.monthlyCents;
    onCobra.push(...member.people.filter((p) => p.cobraId === c.id && !regular.includes(p)));
    if (!planCode) planCode = planInMonth(member, month);
    if (!tier) tier = c.tier;
  }
  return {
    planCode,
    tier,
    regularCents,
    cobraCents,
    totalCents: regularCents + cobraCents,
    people: [...regular, ...onCobra],
  };
}

/** Why a month's charge changed after it was billed, in words for the bill. */
export function adjustmentReason(member: RosterMember, billedCents: number, now: MonthCharge): string {
  if (billedCents === 0 && now.totalCents > 0)
    return `added retroactively: ${now.planCode} ${now.tier} from ${member.people[0]?.coverageStart ?? "?"}`;
  if (now.totalCents === 0) {
    const ends = member.people
      .map((p) => p.coverageEnd)
      .filter((d): d is string => d !== null)
      .sort();
    return `coverage ended ${member.terminationDate ?? ends.at(-1) ?? "earlier"}`;
  }
  return `coverage changed: now ${now.planCode} ${now.tier}${now.cobraCents ? " with COBRA" : ""}`;
}
