/**
 * Coverage-date arithmetic on ISO `YYYY-MM-DD` strings, in one place. Coverage dates have no time zone:
 * everything here works on UTC calendar dates, so "today" is the UTC date of the portal's clock.
 * ISO dates compare correctly as strings, which the services rely on (`a < b`).
 */

const DAY_MS = 86_400_000;

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return [y, m, d];
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function utcMs(date: string): number {
  const [y, m, d] = parts(date);
  return Date.UTC(y, m - 1, d);
}

export function todayOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromUtc(utcMs(date) + days * DAY_MS);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((utcMs(b) - utcMs(a)) / DAY_MS);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Adds calendar months, clamping the day to the target month's length (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return fromUtc(Date.UTC(year, month - 1, Math.min(d, daysInMonth(year, month))));
}

export function isFirstOfMonth(date: string): boolean {
  return date.endsWith("-01");
}

export function endOfMonth(date: string): string {
  const [y, m] = parts(date);
  return `${date.slice(0, 8)}${String(daysInMonth(y, m)).padStart(2, "0")}`;
}

export function isEndOfMonth(date: string): boolean {
  return endOfMonth(date) === date;
}

export function firstOfNextMonth(date: string): string {
  return addDays(endOfMonth(date), 1);
}

/** Age in whole years on `on` (a birthday counts on the day itself; Feb 29 birthdays count on Mar 1). */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = parts(dateOfBirth);
  const [y, m, d] = parts(on);
  const hadBirthday = m > bm || (m === bm && d >= bd);
  return y - by - (hadBirthday ? 0 : 1);
}

export const maxDate = (a: string, b: string): string => (a > b ? a : b);
export const minDate = (a: string, b: string): string => (a < b ? a : b);
