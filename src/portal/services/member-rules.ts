import { sql } from "kysely";
import type { DependentInput, SubscriberInput } from "../../contract/members.js";
import { placeholders, selectRows, type Db, type Tx } from "../db/index.js";
import { AppError, type Problems } from "../errors.js";
import { newId } from "../ids.js";
import type { PiiVault } from "../pii.js";
import { maskSsn } from "../pii.js";
import { CatalogLookups, type PlanRow } from "./catalog.js";
import {
  CHILD_AGE_LIMIT,
  NEWBORN_DAYS,
  RETRO_DAYS,
  isChildLike,
  nameKey,
  rateFor,
  tierFor,
} from "./coverage.js";
import { addDays, ageOn, daysBetween, isEndOfMonth, isFirstOfMonth } from "./dates.js";
import type { MemberRow, PersonRow } from "./members.js";

/** Rules shared by the enrollment services (enroll, changes, cancel, COBRA), and the one place people rows are built. */

/** First of a month and not more than 60 days in the past. */
export function checkEffectiveDate(problems: Problems, path: string, date: string, today: string): void {
  if (!isFirstOfMonth(date))
    problems.add(path, `must be the first day of a month (got ${date}); e.g. ${date.slice(0, 8)}01`);
  else if (date < addDays(today, -RETRO_DAYS))
    problems.add(
      path,
      `is more than ${RETRO_DAYS} days in the past (earliest allowed: ${addDays(today, -RETRO_DAYS)})`,
    );
}

/** The last day of coverage: the end of a month and not more than 60 days in the past. */
export function checkEndDate(problems: Problems, path: string, date: string, today: string): void {
  if (!isEndOfMonth(date)) problems.add(path, `must be the last day of a month (got ${date})`);
  else if (date < addDays(today, -RETRO_DAYS))
    problems.add(
      path,
      `is more than ${RETRO_DAYS} days in the past (earliest allowed: ${addDays(today, -RETRO_DAYS)})`,
    );
}

type PersonInput = SubscriberInput | DependentInput;

/** Date of birth, SSN presence (newborns may wait for theirs) and, for children, the age limit on `coveredFrom`. */
export function checkPerson(
  problems: Problems,
  path: string,
  person: PersonInput,
  relationship: string,
  coveredFrom: string,
  today: string,
): void {
  if (person.dateOfBirth > today)
    problems.add(`${path}.dateOfBirth`, `is in the future (${person.dateOfBirth}); check the date of birth`);
  else if (!person.ssn && daysBetween(person.dateOfBirth, today) >= NEWBORN_DAYS)
    problems.add(`${path}.ssn`, "is required; only newborns under one year old may be enrolled without one");
  const disabled = "disabled" in person && person.disabled;
  if (isChildLike(relationship) && !disabled && ageOn(person.dateOfBirth, coveredFrom) >= CHILD_AGE_LIMIT)
    problems.add(
      `${path}.dateOfBirth`,
      `makes this ${relationship} ${ageOn(person.dateOfBirth, coveredFrom)} on ${coveredFrom}: children are covered until 26 unless disabled (set disabled: true for a disabled adult child)`,
    );
}

/**
 * A PCP for a person on `plan`: required by plans that need one and refused by the others; the provider
 * must exist, be in the plan's network and accept new patients (unless it already is this person's PCP).
 * Returns the provider ID, or null when the plan uses no PCPs.
 */
export async function checkPcp(
  db: Db | Tx,
  problems: Problems,
  path: string,
  ref: string | undefined,
  plan: PlanRow,
  currentPcpId: string | null = null,
  lookups = new CatalogLookups(),
): Promise<string | null> {
  if (!plan.requires_pcp) {
    if (ref) problems.add(path, `must be left out: plan ${plan.code} does not use primary care physicians`);
    return null;
  }
  if (!ref) {
    problems.add(
      path,
      `is required: plan ${plan.code} needs a primary care physician for each covered person; find one with \`hnctl provider search --plan ${plan.code}\``,
    );
    return null;
  }
  const provider = await lookups.provider(db, ref);
  if (!provider) {
    problems.add(
      path,
      `names no provider in the directory (${ref}); use an NPI or provider ID from \`hnctl provider search\``,
    );
    return null;
  }
  if (!(await lookups.inNetwork(db, provider.id, plan.id))) {
    problems.add(
      path,
      `${provider.first_name} ${provider.last_name} (${provider.npi}) is not in plan ${plan.code}'s network`,
    );
    return null;
  }
  if (!provider.accepting_new_patients && provider.id !== currentPcpId) {
    problems.add(
      path,
      `${provider.first_name} ${provider.last_name} (${provider.npi}) is not accepting new patients; choose another provider`,
    );
    return null;
  }
  return provider.id;
}

/** At most one spouse or domestic partner per member. */
export function checkOneSpouse(problems: Problems, paths: { path: string; relationship: string }[]): void {
  const spouses = paths.filter((p) => p.relationship === "spouse" || p.relationship === "domestic-partner");
  for (const extra of spouses.slice(1))
    problems.add(extra.path, "is a second spouse or domestic partner; a member can cover at most one");
}

export type SsnHolder = { member_id: string; ssn_hmac: string; ssn_last4: string | null };

/**
 * Every key asked about, with the first holder `find` names for it (null: nobody). Asked 5,000 keys at
 * a time: a batch's keys stay well under SQLite's 32,766 parameters.
 */
async function holdersOf<H>(
  keys: string[],
  find: (part: string[]) => Promise<[string, H][]>,
): Promise<Map<string, H | null>> {
  const holders = new Map<string, H | null>(keys.map((k) => [k, null]));
  for (let i = 0; i < keys.length; i += 5000)
    for (const [key, holder] of await find(keys.slice(i, i + 5000)))
      if (!holders.get(key)) holders.set(key, holder);
  return holders;
}

/**
 * The employer filter of a lookup by SSN hash. people_ssn holds the hash alone, and without statistics
 * SQLite would rather walk people_name's employer prefix (every person of the employer) for
 * `employer_id = ?`; the unary + keeps that term off any index, so the hash picks the rows.
 */
export const PERSON_EMPLOYER_FILTER = "+people.employer_id";

/**
 * Who holds each SSN (by lookup hash) on a person whose coverage has not ended, other than
 * `exceptMemberId`. Every hash asked about is a key; null: nobody.
 */
export async function ssnHolders(
  db: Db | Tx,
  employerId: string,
  hmacs: string[],
  exceptMemberId = "",
): Promise<Map<string, SsnHolder | null>> {
  return holdersOf(hmacs, async (part) =>
    (
      await selectRows<SsnHolder>(
        db,
        `select member_id, ssn_hmac, ssn_last4 from people where ${PERSON_EMPLOYER_FILTER} = ? and ssn_hmac in (${placeholders(part.length)})` +
          ` and status in ('active', 'cobra') and member_id != ?`,
        [employerId, ...part, exceptMemberId],
      )
    ).map((h) => [h.ssn_hmac, h]),
  );
}

/**
 * An SSN may be on only one person whose coverage has not ended, across the employer. The conflict names
 * the member that holds it (SSN masked), so the caller can look there instead. `readAhead`: ssnHolders
 * asked before for many members at once (a roster import's batch), used when it covers every SSN here.
 */
export async function refuseDuplicateSsns(
  db: Db | Tx,
  pii: PiiVault,
  employerId: string,
  entries: { path: string; ssn: string | undefined; hmac?: string | null }[],
  exceptMemberId?: string,
  readAhead?: Map<string, SsnHolder | null>,
): Promise<void> {
  const seen = new Map<string, string>();
  const wanted: { path: string; hmac: string; last4: string | null }[] = [];
  for (const entry of entries) {
    const hmac = entry.hmac ?? (entry.ssn ? pii.lookupHash(entry.ssn) : null);
    if (!hmac) continue;
    const earlier = seen.get(hmac);
    if (earlier)
      throw new AppError(
        409,
        "duplicate_ssn",
        `${entry.path} repeats the SSN of ${earlier} in the same request`,
        [{ path: entry.path, message: `is the same SSN as ${earlier}` }],
      );
    seen.set(hmac, entry.path);
    wanted.push({ path: entry.path, hmac, last4: entry.ssn?.slice(-4) ?? null });
  }
  if (!wanted.length) return;
  // One query for all of them (a family is enrolled at once); the first entry in order is the one named.
  const holders =
    readAhead && !exceptMemberId && wanted.every((w) => readAhead.has(w.hmac))
      ? readAhead
      : await ssnHolders(
          db,
          employerId,
          wanted.map((w) => w.hmac),
          exceptMemberId,
        );
  for (const entry of wanted) {
    const holder = holders.get(entry.hmac);
    if (!holder) continue;
    const masked = maskSsn(holder.ssn_last4 ?? entry.last4);
    throw new AppError(
      409,
      "duplicate_ssn",
      `SSN ${masked} is already enrolled on member ${holder.member_id}; update that member instead`,
      [{ path: entry.path, message: `SSN ${masked} is already enrolled on member ${holder.member_id}` }],
    );
  }
}

/**
 * The member whose coverage has not ended that holds each employee number, other than `exceptMemberId`.
 * Every number asked about is a key; null: nobody.
 */
export async function employeeNumberHolders(
  db: Db | Tx,
  employerId: string,
  numbers: string[],
  exceptMemberId = "",
): Promise<Map<string, string | null>> {
  return holdersOf(numbers, async (part) =>
    (
      await selectRows<{ id: string; employee_number: string }>(
        db,
        `select id, employee_number from members where employer_id = ? and employee_number in (${placeholders(part.length)})` +
          ` and status in ('active', 'cobra') and id != ?`,
        [employerId, ...part, exceptMemberId],
      )
    ).map((h) => [h.employee_number, h.id]),
  );
}

/**
 * The employer's HR ID identifies one member whose coverage has not ended (roster imports match on it).
 * `readAhead`: employeeNumberHolders asked before for a whole batch, used when it has this number.
 */
export async function refuseDuplicateEmployeeNumber(
  db: Db | Tx,
  employerId: string,
  employeeNumber: string,
  exceptMemberId?: string,
  readAhead?: Map<string, string | null>,
): Promise<void> {
  const holder =
    readAhead && !exceptMemberId && readAhead.has(employeeNumber)
      ? readAhead.get(employeeNumber)
      : (await employeeNumberHolders(db, employerId, [employeeNumber], exceptMemberId)).get(employeeNumber);
  if (holder)
    throw new AppError(
      409,
      "duplicate_employee_number",
      `employee number ${employeeNumber} already belongs to member ${holder}`,
      [{ path: "employeeNumber", message: `already belongs to member ${holder}` }],
    );
}

/**
 * The people row for a new subscriber or dependent: SSN encrypted, hashed for lookup, last four for
 * masking. `encrypt: false` leaves the ciphertext out of a row that is only checked, never written.
 */
export function newPersonRow(
  pii: PiiVault,
  input: PersonInput,
  at: {
    memberId: string;
    employerId: string;
    relationship: string;
    coverageStart: string;
    pcpProviderId: string | null;
    now: string;
    id?: string;
  },
  { encrypt = true } = {},
): PersonRow {
  return {
    id: at.id ?? newId("per"),
    member_id: at.memberId,
    employer_id: at.employerId,
    relationship: at.relationship,
    first_name: input.firstName,
    middle_name: input.middleName ?? null,
    last_name: input.lastName,
    name_key: nameKey(input.lastName, input.firstName),
    ...ssnColumns(pii, input.ssn, { encrypt }),
    date_of_birth: input.dateOfBirth,
    sex: input.sex,
    marital_status: input.maritalStatus ?? null,
    disabled: "disabled" in input && input.disabled ? 1 : 0,
    email: input.email ?? null,
    phone: input.phone ?? null,
    address: input.address ? JSON.stringify(input.address) : null,
    status: "active",
    coverage_start: at.coverageStart,
    coverage_end: null,
    pcp_provider_id: at.pcpProviderId,
    cobra_id: null,
    created_at: at.now,
  };
}

export function ssnColumns(pii: PiiVault, ssn: string | undefined, { encrypt = true } = {}) {
  return {
    ssn_encrypted: ssn && encrypt ? pii.encrypt(ssn) : null,
    ssn_hmac: ssn ? pii.lookupHash(ssn) : null,
    ssn_last4: ssn ? ssn.slice(-4) : null,
  };
}

/** What follows from who is covered: status, tier, premium and the search name. */
export function settledColumns(people: PersonRow[], plan: PlanRow) {
  const subscriber = people.find((p) => p.relationship === "subscriber")!;
  const covered = people.filter((p) => p.status === "active");
  const active = subscriber.status === "active";
  const tier = active ? tierFor(covered.map((p) => p.relationship)) : null;
  return {
    status: active ? "active" : people.some((p) => p.status === "cobra") ? "cobra" : "terminated",
    tier,
    monthly_premium_cents: tier ? rateFor(plan, tier) : 0,
    sort_name: subscriber.name_key,
  } as const;
}

/**
 * Recomputes what follows from the people (settledColumns) and bumps the version. Every change calls it
 * last, so the stored tier and premium can never drift from who is covered.
 */
export async function settleMember(tx: Tx, memberId: string, now: Date): Promise<MemberRow> {
  const member = await tx
    .selectFrom("members")
    .selectAll()
    .where("id", "=", memberId)
    .executeTakeFirstOrThrow();
  const [people, plan] = await Promise.all([
    tx.selectFrom("people").selectAll().where("member_id", "=", memberId).execute(),
    tx.selectFrom("plans").selectAll().where("id", "=", member.plan_id).executeTakeFirstOrThrow(),
  ]);
  return tx
    .updateTable("members")
    .set({
      ...settledColumns(people, plan),
      version: sql<number>`version + 1`,
      updated_at: now.toISOString(),
    })
    .where("id", "=", memberId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Changes need regular coverage to change. */
export function requireActive(member: MemberRow, doing: string): void {
  if (member.status !== "active")
    throw new AppError(
      409,
      "member_not_active",
      `member ${member.id} is ${member.status}${member.termination_date ? ` (coverage ended ${member.termination_date})` : ""}; cannot ${doing}`,
    );
}
