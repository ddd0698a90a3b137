import { sql } from "kysely";
import type { z } from "zod";
import type {
  CancelReason,
  CobraCoverage,
  MemberDetail,
  MemberHistory,
  MemberSearchRequest,
  MemberSearchResponse,
  MemberSummary,
  Person,
  SsnReveal,
} from "../../contract/members.js";
import type { PortalContext } from "../context.js";
import type { Database, Db, Tx } from "../db/index.js";
import { AppError, notFound } from "../errors.js";
import { formatSsn, maskSsn } from "../pii.js";
import { requireInScope, type Principal } from "./access.js";
import { audit } from "./audit.js";
import { namePrefix } from "./coverage.js";
import { PERSON_EMPLOYER_FILTER } from "./member-rules.js";

/** Reading members: loading with the scope check, the response shapes, search, history, SSN reveal. */

export type MemberRow = Database["members"];
export type PersonRow = Database["people"];
export type CobraRow = Database["cobra_coverages"];

export interface MemberRecord {
  member: MemberRow;
  /** Subscriber first, then dependents in the order they were added. */
  people: PersonRow[];
  cobra: CobraRow[];
}

const memberWhat = (memberId: string) => `member ${memberId}`;

/** The member with its people, or 404 when it does not exist or lies outside the caller's scope. */
export async function loadMember(db: Db | Tx, principal: Principal, memberId: string): Promise<MemberRecord> {
  const record = (await loadMemberRecords(db, [memberId])).get(memberId);
  if (!record) throw notFound(memberWhat(memberId));
  const { member } = record;
  requireInScope(
    principal,
    { employerId: member.employer_id, groupId: member.group_id, locationId: member.location_id },
    memberWhat(memberId),
  );
  return record;
}

/**
 * Members with their people and COBRA coverages, in four queries however many (a roster import reads a
 * batch's members at once). No scope check: loadMember does that for one; a caller of this checks its own.
 */
export async function loadMemberRecords(db: Db | Tx, ids: string[]): Promise<Map<string, MemberRecord>> {
  const records = new Map<string, MemberRecord>();
  if (!ids.length) return records;
  const [members, people, cobra] = await Promise.all([
    db.selectFrom("members").selectAll().where("id", "in", ids).execute(),
    // rowid: the order people were added in (two IDs made in the same millisecond are in random order).
    db
      .selectFrom("people")
      .selectAll()
      .where("member_id", "in", ids)
      .orderBy(sql`people.rowid`)
      .execute(),
    db
      .selectFrom("cobra_coverages")
      .selectAll()
      .where("member_id", "in", ids)
      .orderBy(sql`cobra_coverages.rowid`)
      .execute(),
  ]);
  for (const member of members) records.set(member.id, { member, people: [], cobra: [] });
  for (const p of people) records.get(p.member_id)?.people.push(p);
  for (const c of cobra) records.get(c.member_id)?.cobra.push(c);
  for (const r of records.values())
    r.people.sort(
      (a, b) => Number(b.relationship === "subscriber") - Number(a.relationship === "subscriber"),
    );
  return records;
}

/** Where members are: group, subgroup, location and plan, by the codes people type. Add a `where`. */
export function memberPlaces(db: Db | Tx) {
  return db
    .selectFrom("members")
    .innerJoin("groups", "groups.id", "members.group_id")
    .innerJoin("locations", "locations.id", "members.location_id")
    .innerJoin("plans", "plans.id", "members.plan_id")
    .leftJoin("subgroups", "subgroups.id", "members.subgroup_id")
    .select([
      "members.id",
      "groups.group_number",
      "locations.code as location",
      "subgroups.code as subgroup",
      "plans.code as planCode",
      "plans.name as planName",
      "plans.type as planType",
      "plans.requires_pcp",
    ]);
}

/** For changes: loads inside the write transaction and refuses a stale version (optimistic concurrency). */
export async function loadMemberForChange(
  tx: Tx,
  principal: Principal,
  memberId: string,
  version: number | undefined,
): Promise<MemberRecord> {
  const record = await loadMember(tx, principal, memberId);
  if (version !== undefined && version !== record.member.version)
    throw new AppError(
      409,
      "version_conflict",
      `member ${memberId} changed since you read it (your version ${version}, now ${record.member.version}); read it again and retry`,
      [{ path: "version", message: `is stale: the member is at version ${record.member.version}` }],
    );
  return record;
}

export function subscriberOf(record: MemberRecord): PersonRow {
  const subscriber = record.people.find((p) => p.relationship === "subscriber");
  if (!subscriber) throw new Error(`member ${record.member.id} has no subscriber`);
  return subscriber;
}

export function personOf(record: MemberRecord, personId: string): PersonRow {
  const person = record.people.find((p) => p.id === personId);
  if (!person)
    throw new AppError(404, "not_found", `person ${personId} is not on member ${record.member.id}`, [
      { path: "personId", message: `is not on member ${record.member.id}; see \`hnctl member show\`` },
    ]);
  return person;
}

// ---------------------------------------------------------------- response shapes

function toPerson(p: PersonRow, pcps: Map<string, Database["providers"]>): Person {
  const pcp = p.pcp_provider_id ? pcps.get(p.pcp_provider_id) : undefined;
  const address = p.address ? (JSON.parse(p.address) as Record<string, string | undefined>) : null;
  return {
    id: p.id,
    relationship: p.relationship as Person["relationship"],
    firstName: p.first_name,
    middleName: p.middle_name,
    lastName: p.last_name,
    ssn: maskSsn(p.ssn_last4),
    dateOfBirth: p.date_of_birth,
    sex: p.sex as Person["sex"],
    maritalStatus: p.marital_status as Person["maritalStatus"],
    disabled: p.disabled === 1,
    email: p.email,
    phone: p.phone,
    address: address
      ? {
          line1: address.line1 ?? "",
          line2: address.line2 ?? null,
          city: address.city ?? "",
          state: address.state ?? "",
          zip: address.zip ?? "",
        }
      : null,
    status: p.status,
    coverageStart: p.coverage_start,
    coverageEnd: p.coverage_end,
    pcp: pcp ? { providerId: pcp.id, npi: pcp.npi, name: `${pcp.first_name} ${pcp.last_name}` } : null,
    cobraId: p.cobra_id,
  };
}

export function toCobra(c: CobraRow, people: PersonRow[]): CobraCoverage {
  return {
    id: c.id,
    event: c.event as CobraCoverage["event"],
    eventDate: c.event_date,
    personIds: people.filter((p) => p.cobra_id === c.id).map((p) => p.id),
    tier: c.tier,
    regularCoverageEnd: c.regular_coverage_end,
    coverageStart: c.coverage_start,
    coverageEnd: c.coverage_end,
    months: c.months,
    electionDeadline: c.election_deadline,
    monthlyPremiumCents: c.monthly_premium_cents,
    extendedMonthlyPremiumCents: c.extended_monthly_premium_cents,
    extendedFrom: c.extended_from,
  };
}

export async function memberDetail(db: Db | Tx, record: MemberRecord): Promise<MemberDetail> {
  const { member, people } = record;
  const place = await memberPlaces(db).where("members.id", "=", member.id).executeTakeFirstOrThrow();
  const pcpIds = [...new Set(people.flatMap((p) => (p.pcp_provider_id ? [p.pcp_provider_id] : [])))];
  const providers = pcpIds.length
    ? await db.selectFrom("providers").selectAll().where("id", "in", pcpIds).execute()
    : [];
  const pcps = new Map(providers.map((p) => [p.id, p]));
  const subscriber = subscriberOf(record);
  return {
    id: member.id,
    version: member.version,
    status: member.status,
    groupNumber: place.group_number,
    subgroup: place.subgroup,
    location: place.location,
    plan: {
      code: place.planCode,
      name: place.planName,
      type: place.planType,
      effectiveDate: member.plan_effective_date,
    },
    tier: member.tier,
    monthlyPremiumCents: member.monthly_premium_cents,
    effectiveDate: member.effective_date,
    terminationDate: member.termination_date,
    terminationReason: member.termination_reason as CancelReason | null,
    employeeNumber: member.employee_number,
    hireDate: member.hire_date,
    employmentStatus: member.employment_status as MemberDetail["employmentStatus"],
    subscriber: toPerson(subscriber, pcps),
    dependents: people.filter((p) => p !== subscriber).map((p) => toPerson(p, pcps)),
    cobra: record.cobra.map((c) => toCobra(c, people)),
    createdAt: member.created_at,
    updatedAt: member.updated_at,
  };
}

export async function getMember(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
): Promise<MemberDetail> {
  return memberDetail(ctx.db, await loadMember(ctx.db, principal, memberId));
}

// ---------------------------------------------------------------- search

type SearchResponse = z.output<typeof MemberSearchResponse>;

function encodeCursor(sortName: string, id: string): string {
  return Buffer.from(JSON.stringify([sortName, id])).toString("base64url");
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string"))
      return value as [string, string];
  } catch {
    // fall through to the error below
  }
  throw new AppError(400, "validation_failed", "cursor is not a cursor this portal issued", [
    { path: "cursor", message: "pass the `nextCursor` of the previous page unchanged" },
  ]);
}

/**
 * Members matching every given filter, in the caller's scope, ordered by subscriber name then ID and
 * paged by a keyset cursor. SSN and name match the subscriber or any dependent. Two steps: the page's
 * keys from the members table alone (codes resolved to IDs first, so no joins while filtering and
 * sorting), then the page's details. SSN is found by its HMAC, names by a range on the normalised name
 * key, everything else by (employer, sort_name, id).
 */
export async function searchMembers(
  ctx: PortalContext,
  principal: Principal,
  filters: MemberSearchRequest,
): Promise<SearchResponse> {
  const { employerId, scope } = principal;
  const nothing = { members: [], nextCursor: null };
  if (!scope.employerWide && scope.groupIds.size === 0 && scope.locationIds.size === 0) return nothing;
  const codes = await resolveSearchCodes(ctx.db, employerId, filters);
  if (!codes) return nothing;
  // With a member ID, SSN or name the matches are few and found through their own index; SQLite (without
  // statistics) would rather walk the name-ordered member index to skip the sort and probe each row.
  // A unary `+` on the other member columns takes those indexes out of its choice.
  const narrowed = Boolean(filters.memberId || filters.ssn || filters.name);
  const column = (name: "employer_id" | "group_id" | "subgroup_id" | "location_id" | "status") =>
    narrowed ? sql<string>`+members.${sql.raw(name)}` : sql<string>`members.${sql.raw(name)}`;
  let q = ctx.db
    .selectFrom("members")
    .select(["members.id", "members.sort_name"])
    .where(column("employer_id"), "=", employerId);
  if (!scope.employerWide) {
    if (scope.groupIds.size) q = q.where(column("group_id"), "in", [...scope.groupIds]);
    if (scope.locationIds.size) q = q.where(column("location_id"), "in", [...scope.locationIds]);
  }
  if (codes.groupId) q = q.where(column("group_id"), "=", codes.groupId);
  if (codes.subgroupIds) q = q.where(column("subgroup_id"), "in", codes.subgroupIds);
  if (codes.locationId) q = q.where(column("location_id"), "=", codes.locationId);
  if (filters.status) q = q.where(column("status"), "=", filters.status);
  if (filters.memberId) q = q.where("members.id", "=", filters.memberId);
  if (filters.ssn) {
    const hmac = ctx.pii.lookupHash(filters.ssn);
    q = q.where("members.id", "in", (eb) =>
      eb
        .selectFrom("people")
        .select("people.member_id")
        .where(sql.raw(PERSON_EMPLOYER_FILTER), "=", employerId)
        .where("people.ssn_hmac", "=", hmac),
    );
  }
  if (filters.name) {
    const prefix = namePrefix(filters.name);
    q = q.where("members.id", "in", (eb) =>
      eb
        .selectFrom("people")
        .select("people.member_id")
        .where("people.employer_id", "=", employerId)
        .where("people.name_key", ">=", prefix)
        .where("people.name_key", "<", `${prefix}\uffff`),
    );
  }
  if (filters.cursor) {
    const [sortName, id] = decodeCursor(filters.cursor);
    q = q.where(sql<boolean>`(members.sort_name, members.id) > (${sortName}, ${id})`);
  }
  const keys = await q
    .orderBy("members.sort_name")
    .orderBy("members.id")
    .limit(filters.limit + 1)
    .execute();
  const page = keys.slice(0, filters.limit);
  const last = page[page.length - 1];
  return {
    members: await memberSummaries(
      ctx.db,
      page.map((k) => k.id),
    ),
    nextCursor: keys.length > filters.limit && last ? encodeCursor(last.sort_name, last.id) : null,
  };
}

/** Group number, subgroup code and location code → IDs; null when one names nothing (no member can match). */
async function resolveSearchCodes(db: Db, employerId: string, filters: MemberSearchRequest) {
  let groupId: string | undefined;
  let subgroupIds: string[] | undefined;
  let locationId: string | undefined;
  if (filters.groupNumber) {
    const group = await db
      .selectFrom("groups")
      .select("id")
      .where("employer_id", "=", employerId)
      .where("group_number", "=", filters.groupNumber)
      .executeTakeFirst();
    if (!group) return null;
    groupId = group.id;
  }
  if (filters.subgroup) {
    // Subgroup codes are per group: without a group, every group's subgroup with that code matches.
    let sq = db
      .selectFrom("subgroups")
      .innerJoin("groups", "groups.id", "subgroups.group_id")
      .select("subgroups.id")
      .where("groups.employer_id", "=", employerId)
      .where("subgroups.code", "=", filters.subgroup);
    if (groupId) sq = sq.where("groups.id", "=", groupId);
    subgroupIds = (await sq.execute()).map((r) => r.id);
    if (!subgroupIds.length) return null;
  }
  if (filters.location) {
    const location = await db
      .selectFrom("locations")
      .select("id")
      .where("employer_id", "=", employerId)
      .where("code", "=", filters.location)
      .executeTakeFirst();
    if (!location) return null;
    locationId = location.id;
  }
  return { groupId, subgroupIds, locationId };
}

/** The search rows of the given members, in the given order. */
async function memberSummaries(db: Db, ids: string[]): Promise<MemberSummary[]> {
  if (!ids.length) return [];
  const [rows, people] = await Promise.all([
    db
      .selectFrom("members")
      .innerJoin("groups", "groups.id", "members.group_id")
      .innerJoin("locations", "locations.id", "members.location_id")
      .innerJoin("plans", "plans.id", "members.plan_id")
      .leftJoin("subgroups", "subgroups.id", "members.subgroup_id")
      .selectAll("members")
      .select([
        "groups.group_number",
        "locations.code as location",
        "subgroups.code as subgroup",
        "plans.code as planCode",
      ])
      .where("members.id", "in", ids)
      .execute(),
    db
      .selectFrom("people")
      .select([
        "id",
        "member_id",
        "relationship",
        "first_name",
        "last_name",
        "ssn_last4",
        "date_of_birth",
        "status",
      ])
      .where("member_id", "in", ids)
      .execute(),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => {
    const r = byId.get(id)!;
    const mine = people.filter((p) => p.member_id === id);
    const subscriber = mine.find((p) => p.relationship === "subscriber")!;
    return {
      id: r.id,
      version: r.version,
      status: r.status,
      groupNumber: r.group_number,
      subgroup: r.subgroup,
      location: r.location,
      planCode: r.planCode,
      tier: r.tier,
      monthlyPremiumCents: r.monthly_premium_cents,
      effectiveDate: r.effective_date,
      terminationDate: r.termination_date,
      employeeNumber: r.employee_number,
      subscriber: {
        id: subscriber.id,
        firstName: subscriber.first_name,
        lastName: subscriber.last_name,
        ssn: maskSsn(subscriber.ssn_last4),
        dateOfBirth: subscriber.date_of_birth,
      },
      coveredDependents: mine.filter((p) => p.relationship !== "subscriber" && p.status === "active").length,
    };
  });
}

// ---------------------------------------------------------------- history and SSN reveal

export async function memberHistory(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
): Promise<z.output<typeof MemberHistory>> {
  await loadMember(ctx.db, principal, memberId);
  const rows = await ctx.db
    .selectFrom("enrollment_transactions")
    .leftJoin("users", "users.id", "enrollment_transactions.actor_user_id")
    .select([
      "enrollment_transactions.id",
      "enrollment_transactions.type",
      "enrollment_transactions.maintenance_type_code",
      "enrollment_transactions.maintenance_reason_code",
      "enrollment_transactions.person_id",
      "enrollment_transactions.effective_date",
      "enrollment_transactions.description",
      "enrollment_transactions.actor_user_id",
      "enrollment_transactions.api_token_id",
      "enrollment_transactions.at",
      "users.name as actorName",
      "users.username as actorUsername",
    ])
    .where("enrollment_transactions.member_id", "=", memberId)
    .orderBy("enrollment_transactions.at")
    .orderBy("enrollment_transactions.id")
    .execute();
  return {
    memberId,
    transactions: rows.map((r) => ({
      id: r.id,
      type: r.type,
      maintenanceTypeCode: r.maintenance_type_code,
      maintenanceReasonCode: r.maintenance_reason_code,
      personId: r.person_id,
      effectiveDate: r.effective_date,
      description: r.description,
      actor: r.actor_user_id
        ? {
            userId: r.actor_user_id,
            name: r.actorUsername ?? r.actorName ?? r.actor_user_id,
            apiTokenId: r.api_token_id,
          }
        : null,
      at: r.at,
    })),
  };
}

/** The full SSNs of a member's people. Every reveal is audited (who, which member, which token). */
export async function revealSsns(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
): Promise<z.output<typeof SsnReveal>> {
  const record = await loadMember(ctx.db, principal, memberId);
  await audit(ctx.db, ctx.clock.now(), {
    employerId: principal.employerId,
    actor: principal,
    action: "member.ssn.reveal",
    objectType: "member",
    objectId: memberId,
    details: { personIds: record.people.map((p) => p.id) },
  });
  return {
    memberId,
    people: record.people.map((p) => ({
      personId: p.id,
      relationship: p.relationship as Person["relationship"],
      firstName: p.first_name,
      lastName: p.last_name,
      ssn: p.ssn_encrypted ? formatSsn(ctx.pii.decrypt(p.ssn_encrypted)) : null,
    })),
  };
}
