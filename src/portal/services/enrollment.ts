import type { z } from "zod";
import type {
  DependentAddRequest,
  DependentRemoveRequest,
  DependentUpdateRequest,
  EnrollRequest,
  MemberDetail,
  MemberUpdateRequest,
  PcpChangeRequest,
  PlanChangeRequest,
} from "../../contract/members.js";
import type { PortalContext } from "../context.js";
import { PendingRows, transact, type Database } from "../db/index.js";
import { AppError, Problems, unprocessable } from "../errors.js";
import { newId } from "../ids.js";
import { requireInScope, type Principal } from "./access.js";
import { CatalogLookups, findPlan, planOfferedToGroup } from "./catalog.js";
import { CHILD_AGE_LIMIT, isChildLike, isSpouseLike, nameKey, RETRO_DAYS } from "./coverage.js";
import { addDays, ageOn, isFirstOfMonth, todayOf } from "./dates.js";
import { changeRows, MAINTENANCE, recordChange } from "./enrollment-log.js";
import {
  checkEffectiveDate,
  checkEndDate,
  checkOneSpouse,
  checkPcp,
  checkPerson,
  newPersonRow,
  refuseDuplicateEmployeeNumber,
  refuseDuplicateSsns,
  requireActive,
  settledColumns,
  settleMember,
  ssnColumns,
  type SsnHolder,
} from "./member-rules.js";
import { loadMember, loadMemberForChange, memberDetail, personOf, subscriberOf } from "./members.js";

/** Enrollment and changes to it. Each is one DB transaction with its enrollment transaction and audit event. */

type Out<T extends z.ZodType> = z.output<T>;

export async function enroll(
  ctx: PortalContext,
  principal: Principal,
  input: EnrollRequest,
): Promise<MemberDetail> {
  return transact(ctx.db, async (tx) => {
    const { memberId } = await enrollMember({ ...ctx, db: tx }, principal, input);
    return memberDetail(tx, await loadMember(tx, principal, memberId));
  });
}

/**
 * How a roster import's batch has a member enrolled when no later operation of the batch could read what
 * this one writes: its rows go to `pending` (inserted with the batch's others before it commits), and the
 * duplicate checks are answered from what the batch read ahead where that covers them.
 */
export interface BatchEnrollment {
  pending: PendingRows;
  ssnHolders?: Map<string, SsnHolder | null>;
  employeeNumberHolders?: Map<string, string | null>;
}

/** true: write now; false: check only (a plan); a BatchEnrollment: leave the rows to the batch. */
export type EnrollWrite = boolean | BatchEnrollment;

/**
 * Enrolls and answers only what a roster import reports (no member detail to build). `lookups` lets an
 * import share catalog answers across its rows. `write: false` checks every rule and writes nothing: a
 * plan uses it when no later operation of its batch could read what this one would have written;
 * `write: BatchEnrollment` checks every rule and leaves the rows to the batch.
 */
export async function enrollMember(
  ctx: PortalContext,
  principal: Principal,
  input: EnrollRequest,
  lookups = new CatalogLookups(),
  { write = true }: { write?: EnrollWrite } = {},
): Promise<{ memberId: string; planCode: string; tier: string; people: number }> {
  const batch = typeof write === "object" ? write : undefined;
  const now = ctx.clock.now();
  const today = todayOf(now);
  const { employerId } = principal;
  return transact(ctx.db, async (tx) => {
    const problems = new Problems();
    const group = await lookups.group(tx, employerId, input.groupNumber);
    const location = await lookups.location(tx, employerId, input.location);
    const plan = await lookups.plan(tx, employerId, input.plan);
    if (!group)
      problems.add(
        "groupNumber",
        `${input.groupNumber} is not a group of this employer; see \`hnctl group list\``,
      );
    if (!location)
      problems.add(
        "location",
        `${input.location} is not a location of this employer; see \`hnctl location list\``,
      );
    if (!plan) problems.add("plan", `${input.plan} is not a plan of this employer; see \`hnctl plan list\``);
    problems.throwIfAny();
    // Enrolling into a group or location outside the caller's scope looks like any other unknown object.
    requireInScope(
      principal,
      { employerId, groupId: group!.id, locationId: location!.id },
      `group ${input.groupNumber} at location ${input.location}`,
    );
    let subgroupId: string | null = null;
    if (input.subgroup) {
      const subgroup = await lookups.subgroup(tx, group!.id, input.subgroup);
      if (subgroup) subgroupId = subgroup.id;
      else
        problems.add(
          "subgroup",
          (await lookups.countSubgroups(tx, group!.id))
            ? `${input.subgroup} is not a subgroup of ${input.groupNumber}; see \`hnctl group list\``
            : `must be left out: group ${input.groupNumber} has no subgroups`,
        );
    }
    if (!(await lookups.planOffered(tx, plan!.id, group!.id)))
      problems.add(
        "plan",
        `${plan!.code} is not offered to group ${input.groupNumber}; see \`hnctl plan list --group ${input.groupNumber}\``,
      );
    checkEffectiveDate(problems, "effectiveDate", input.effectiveDate, today);
    if (input.effectiveDate < input.hireDate)
      problems.add(
        "effectiveDate",
        `is before the hire date ${input.hireDate}; coverage cannot start before employment`,
      );
    checkPerson(problems, "subscriber", input.subscriber, "subscriber", input.effectiveDate, today);
    input.dependents.forEach((d, i) =>
      checkPerson(problems, `dependents.${i}`, d, d.relationship, input.effectiveDate, today),
    );
    checkOneSpouse(
      problems,
      input.dependents.map((d, i) => ({
        path: `dependents.${i}.relationship`,
        relationship: d.relationship,
      })),
    );
    const subscriberPcp = await checkPcp(
      tx,
      problems,
      "subscriber.pcp",
      input.subscriber.pcp,
      plan!,
      null,
      lookups,
    );
    const dependentPcps: (string | null)[] = [];
    for (const [i, d] of input.dependents.entries())
      dependentPcps.push(await checkPcp(tx, problems, `dependents.${i}.pcp`, d.pcp, plan!, null, lookups));
    problems.throwIfAny();
    const memberId = newId("mbr");
    const at = now.toISOString();
    const common = { memberId, employerId, coverageStart: input.effectiveDate, now: at };
    const rows = [
      newPersonRow(
        ctx.pii,
        input.subscriber,
        { ...common, relationship: "subscriber", pcpProviderId: subscriberPcp },
        { encrypt: write !== false },
      ),
      ...input.dependents.map((d, i) =>
        newPersonRow(
          ctx.pii,
          d,
          { ...common, relationship: d.relationship, pcpProviderId: dependentPcps[i] ?? null },
          { encrypt: write !== false },
        ),
      ),
    ];
    // The rows carry the SSNs' lookup hashes: the duplicate check reuses them.
    await refuseDuplicateSsns(
      tx,
      ctx.pii,
      employerId,
      rows.map((r, i) => ({
        path: i ? `dependents.${i - 1}.ssn` : "subscriber.ssn",
        ssn: i ? input.dependents[i - 1]!.ssn : input.subscriber.ssn,
        hmac: r.ssn_hmac,
      })),
      undefined,
      batch?.ssnHolders,
    );
    await refuseDuplicateEmployeeNumber(
      tx,
      employerId,
      input.employeeNumber,
      undefined,
      batch?.employeeNumberHolders,
    );
    // Settled up front (the same rule settleMember applies), so enrolling is one insert per table.
    const settled = settledColumns(rows, plan!);
    const enrolled = { memberId, planCode: plan!.code, tier: settled.tier!, people: rows.length };
    if (!write) return enrolled;
    const member = {
      id: memberId,
      employer_id: employerId,
      group_id: group!.id,
      subgroup_id: subgroupId,
      location_id: location!.id,
      plan_id: plan!.id,
      plan_effective_date: input.effectiveDate,
      ...settled,
      effective_date: input.effectiveDate,
      termination_date: null,
      termination_reason: null,
      employee_number: input.employeeNumber,
      hire_date: input.hireDate,
      employment_status: input.employmentStatus,
      // Version 1, as after any other change: settling counts as one.
      version: 1,
      created_at: at,
      updated_at: at,
    };
    const change = changeRows(now, principal, {
      maintenance: MAINTENANCE.enroll,
      memberId,
      effectiveDate: input.effectiveDate,
      description: `Enrolled ${input.subscriber.firstName} ${input.subscriber.lastName} with ${input.dependents.length} dependent(s) in ${plan!.code}, tier ${settled.tier}`,
      details: { plan: plan!.code, tier: settled.tier, personIds: rows.map((r) => r.id) },
    });
    // Members before the people that reference them; a single enrollment inserts its rows right away.
    const sink = batch?.pending ?? new PendingRows();
    sink.add("members", [member]);
    sink.add("people", rows);
    sink.add("enrollment_transactions", [change.transaction]);
    sink.add("audit_events", [change.audit]);
    if (!batch) await sink.flush(tx);
    return enrolled;
  });
}

/** Demographic fields shared by subscriber and dependent updates, as column changes. */
function demographicChanges(input: {
  firstName?: string;
  middleName?: string | null;
  lastName?: string;
  maritalStatus?: string;
  email?: string | null;
  phone?: string | null;
}): Partial<Database["people"]> {
  const changes: Partial<Database["people"]> = {};
  if (input.firstName !== undefined) changes.first_name = input.firstName;
  if (input.middleName !== undefined) changes.middle_name = input.middleName;
  if (input.lastName !== undefined) changes.last_name = input.lastName;
  if (input.maritalStatus !== undefined) changes.marital_status = input.maritalStatus;
  if (input.email !== undefined) changes.email = input.email;
  if (input.phone !== undefined) changes.phone = input.phone;
  return changes;
}

/** The subscriber's names, marital status, contact information, address and employment status. */
export async function updateMember(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
  input: Out<typeof MemberUpdateRequest>,
): Promise<MemberDetail> {
  const now = ctx.clock.now();
  return transact(ctx.db, async (tx) => {
    const record = await loadMemberForChange(tx, principal, memberId, input.version);
    const subscriber = subscriberOf(record);
    const changes = demographicChanges(input);
    if (input.address !== undefined) changes.address = JSON.stringify(input.address);
    if (changes.first_name !== undefined || changes.last_name !== undefined)
      changes.name_key = nameKey(
        changes.last_name ?? subscriber.last_name,
        changes.first_name ?? subscriber.first_name,
      );
    const fields = Object.keys(changes).filter((k) => k !== "name_key");
    if (fields.length) await tx.updateTable("people").set(changes).where("id", "=", subscriber.id).execute();
    if (input.employmentStatus !== undefined) {
      await tx
        .updateTable("members")
        .set({ employment_status: input.employmentStatus })
        .where("id", "=", memberId)
        .execute();
      fields.push("employment_status");
    }
    if (!fields.length) return memberDetail(tx, record);
    await settleMember(tx, memberId, now);
    await recordChange(tx, now, principal, {
      maintenance: MAINTENANCE.demographics,
      memberId,
      personId: subscriber.id,
      effectiveDate: todayOf(now),
      description: `Updated the subscriber's ${fields.join(", ")}`,
      details: { fields },
    });
    return memberDetail(tx, await loadMember(tx, principal, memberId));
  });
}

export async function changePlan(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
  input: Out<typeof PlanChangeRequest>,
): Promise<MemberDetail> {
  const now = ctx.clock.now();
  const today = todayOf(now);
  return transact(ctx.db, async (tx) => {
    const record = await loadMemberForChange(tx, principal, memberId, input.version);
    const { member } = record;
    requireActive(member, "change the plan");
    const problems = new Problems();
    const plan = await findPlan(tx, principal.employerId, input.plan);
    if (!plan)
      throw unprocessable("plan", `${input.plan} is not a plan of this employer; see \`hnctl plan list\``);
    if (plan.id === member.plan_id) problems.add("plan", `is already the member's plan (${plan.code})`);
    else if (!(await planOfferedToGroup(tx, plan.id, member.group_id)))
      problems.add(
        "plan",
        `${plan.code} is not offered to the member's group; see \`hnctl plan list --group\``,
      );
    checkEffectiveDate(problems, "effectiveDate", input.effectiveDate, today);
    if (input.effectiveDate < member.plan_effective_date)
      problems.add(
        "effectiveDate",
        `must be on or after the current plan's effective date ${member.plan_effective_date}`,
      );
    const covered = record.people.filter((p) => p.status === "active");
    input.pcps.forEach((entry, i) => {
      if (!covered.some((p) => p.id === entry.personId))
        problems.add(`pcps.${i}.personId`, `is not a covered person of member ${memberId}`);
    });
    const newPcps = new Map<string, string | null>();
    for (const person of covered) {
      const index = input.pcps.findIndex((e) => e.personId === person.id);
      const entry = input.pcps[index];
      if (entry) {
        newPcps.set(
          person.id,
          await checkPcp(
            tx,
            problems,
            `pcps.${index}.provider`,
            entry.provider,
            plan,
            person.pcp_provider_id,
          ),
        );
      } else if (plan.requires_pcp) {
        // Someone whose PCP is also in the new plan's network keeps them.
        const current = person.pcp_provider_id;
        const keeps =
          current &&
          (await tx
            .selectFrom("provider_plans")
            .select("plan_id")
            .where("provider_id", "=", current)
            .where("plan_id", "=", plan.id)
            .executeTakeFirst());
        if (keeps) newPcps.set(person.id, current);
        else
          problems.add(
            "pcps",
            `needs a PCP in ${plan.code}'s network for ${person.first_name} ${person.last_name} (${person.id})`,
          );
      } else newPcps.set(person.id, null);
    }
    problems.throwIfAny();
    const oldPlan = await tx
      .selectFrom("plans")
      .select("code")
      .where("id", "=", member.plan_id)
      .executeTakeFirstOrThrow();
    await tx
      .updateTable("members")
      .set({ plan_id: plan.id, plan_effective_date: input.effectiveDate })
      .where("id", "=", memberId)
      .execute();
    for (const [personId, pcp] of newPcps)
      await tx.updateTable("people").set({ pcp_provider_id: pcp }).where("id", "=", personId).execute();
    const settled = await settleMember(tx, memberId, now);
    await recordChange(tx, now, principal, {
      maintenance: MAINTENANCE.planChange,
      memberId,
      effectiveDate: input.effectiveDate,
      description: `Changed the plan from ${oldPlan.code} to ${plan.code} (tier ${settled.tier})`,
      details: { fromPlan: oldPlan.code, toPlan: plan.code, tier: settled.tier },
    });
    return memberDetail(tx, await loadMember(tx, principal, memberId));
  });
}

export async function changePcp(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
  input: Out<typeof PcpChangeRequest>,
): Promise<MemberDetail> {
  const now = ctx.clock.now();
  return transact(ctx.db, async (tx) => {
    const record = await loadMemberForChange(tx, principal, memberId, input.version);
    requireActive(record.member, "change a PCP");
    const person = input.personId ? personOf(record, input.personId) : subscriberOf(record);
    if (person.status !== "active")
      throw unprocessable(
        "personId",
        `${person.first_name} ${person.last_name} is not covered (${person.status})`,
      );
    const plan = await tx
      .selectFrom("plans")
      .selectAll()
      .where("id", "=", record.member.plan_id)
      .executeTakeFirstOrThrow();
    const problems = new Problems();
    const providerId = await checkPcp(tx, problems, "provider", input.provider, plan, person.pcp_provider_id);
    problems.throwIfAny();
    await tx.updateTable("people").set({ pcp_provider_id: providerId }).where("id", "=", person.id).execute();
    await settleMember(tx, memberId, now);
    await recordChange(tx, now, principal, {
      maintenance: MAINTENANCE.pcpChange,
      memberId,
      personId: person.id,
      effectiveDate: todayOf(now),
      description: `Changed the PCP of ${person.first_name} ${person.last_name}`,
      details: { fromProviderId: person.pcp_provider_id, toProviderId: providerId },
    });
    return memberDetail(tx, await loadMember(tx, principal, memberId));
  });
}

export async function addDependent(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
  input: Out<typeof DependentAddRequest>,
): Promise<MemberDetail> {
  const now = ctx.clock.now();
  const today = todayOf(now);
  return transact(ctx.db, async (tx) => {
    const record = await loadMemberForChange(tx, principal, memberId, input.version);
    const { member } = record;
    requireActive(member, "add a dependent");
    const d = input.dependent;
    const problems = new Problems();
    // A newborn (or adopted baby) is covered from the date of birth; everyone else from the first of a month.
    const fromBirth = input.effectiveDate === d.dateOfBirth && !isFirstOfMonth(input.effectiveDate);
    if (fromBirth) {
      if (input.effectiveDate < addDays(today, -RETRO_DAYS))
        problems.add("effectiveDate", `is more than ${RETRO_DAYS} days in the past`);
    } else checkEffectiveDate(problems, "effectiveDate", input.effectiveDate, today);
    if (input.effectiveDate < member.effective_date)
      problems.add("effectiveDate", `is before the member's coverage starts (${member.effective_date})`);
    checkPerson(problems, "dependent", d, d.relationship, input.effectiveDate, today);
    const covered = record.people.filter((p) => p.status === "active");
    checkOneSpouse(problems, [
      ...covered
        .filter((p) => isSpouseLike(p.relationship))
        .map((p) => ({ path: "existing", relationship: p.relationship })),
      { path: "dependent.relationship", relationship: d.relationship },
    ]);
    const plan = await tx
      .selectFrom("plans")
      .selectAll()
      .where("id", "=", member.plan_id)
      .executeTakeFirstOrThrow();
    const pcp = await checkPcp(tx, problems, "dependent.pcp", d.pcp, plan);
    problems.throwIfAny();
    await refuseDuplicateSsns(tx, ctx.pii, principal.employerId, [{ path: "dependent.ssn", ssn: d.ssn }]);
    const row = newPersonRow(ctx.pii, d, {
      memberId,
      employerId: principal.employerId,
      relationship: d.relationship,
      coverageStart: input.effectiveDate,
      pcpProviderId: pcp,
      now: now.toISOString(),
    });
    await tx.insertInto("people").values(row).execute();
    const settled = await settleMember(tx, memberId, now);
    await recordChange(tx, now, principal, {
      maintenance: fromBirth ? MAINTENANCE.addNewborn : MAINTENANCE.addDependent,
      memberId,
      personId: row.id,
      effectiveDate: input.effectiveDate,
      description: `Added ${d.relationship} ${d.firstName} ${d.lastName} (tier ${settled.tier})`,
      details: { relationship: d.relationship, tier: settled.tier },
    });
    return memberDetail(tx, await loadMember(tx, principal, memberId));
  });
}

export async function updateDependent(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
  personId: string,
  input: Out<typeof DependentUpdateRequest>,
): Promise<MemberDetail> {
  const now = ctx.clock.now();
  const today = todayOf(now);
  return transact(ctx.db, async (tx) => {
    const record = await loadMemberForChange(tx, principal, memberId, input.version);
    const person = personOf(record, personId);
    if (person.relationship === "subscriber")
      throw unprocessable("personId", "is the subscriber; change the subscriber with `hnctl member update`");
    const changes = demographicChanges(input);
    if (input.address !== undefined) changes.address = input.address ? JSON.stringify(input.address) : null;
    if (input.disabled !== undefined) {
      if (
        !input.disabled &&
        person.status === "active" &&
        isChildLike(person.relationship) &&
        ageOn(person.date_of_birth, today) >= CHILD_AGE_LIMIT
      )
        throw unprocessable(
          "disabled",
          `cannot be false while ${person.first_name} (over 26) is covered: remove the dependent instead`,
        );
      changes.disabled = input.disabled ? 1 : 0;
    }
    if (input.ssn !== undefined) {
      await refuseDuplicateSsns(
        tx,
        ctx.pii,
        principal.employerId,
        [{ path: "ssn", ssn: input.ssn }],
        memberId,
      );
      Object.assign(changes, ssnColumns(ctx.pii, input.ssn));
    }
    if (changes.first_name !== undefined || changes.last_name !== undefined)
      changes.name_key = nameKey(
        changes.last_name ?? person.last_name,
        changes.first_name ?? person.first_name,
      );
    // Field names only: the audit log never carries the SSN itself.
    const fields = Object.keys(changes).filter((k) => !["name_key", "ssn_hmac", "ssn_last4"].includes(k));
    if (!fields.length) return memberDetail(tx, record);
    await tx.updateTable("people").set(changes).where("id", "=", person.id).execute();
    await settleMember(tx, memberId, now);
    await recordChange(tx, now, principal, {
      maintenance: MAINTENANCE.dependentDemographics,
      memberId,
      personId: person.id,
      effectiveDate: today,
      description: `Updated ${person.first_name} ${person.last_name}'s ${fields.map((f) => (f === "ssn_encrypted" ? "ssn" : f)).join(", ")}`,
      details: { fields: fields.map((f) => (f === "ssn_encrypted" ? "ssn" : f)) },
    });
    return memberDetail(tx, await loadMember(tx, principal, memberId));
  });
}

export async function removeDependent(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
  personId: string,
  input: Out<typeof DependentRemoveRequest>,
): Promise<MemberDetail> {
  const now = ctx.clock.now();
  return transact(ctx.db, async (tx) => {
    const record = await loadMemberForChange(tx, principal, memberId, input.version);
    requireActive(record.member, "remove a dependent (cancel the member to end everyone's coverage)");
    const person = personOf(record, personId);
    if (person.relationship === "subscriber")
      throw unprocessable(
        "personId",
        "is the subscriber; cancel the member with `hnctl member cancel` instead",
      );
    if (person.status !== "active")
      throw new AppError(
        409,
        "conflict",
        `${person.first_name} ${person.last_name} is already ${person.status}`,
      );
    const problems = new Problems();
    checkEndDate(problems, "coverageEndDate", input.coverageEndDate, todayOf(now));
    if (input.coverageEndDate < person.coverage_start)
      problems.add("coverageEndDate", `is before the dependent's coverage starts (${person.coverage_start})`);
    problems.throwIfAny();
    await tx
      .updateTable("people")
      .set({ status: "removed", coverage_end: input.coverageEndDate })
      .where("id", "=", person.id)
      .execute();
    const settled = await settleMember(tx, memberId, now);
    const maintenance =
      input.reason === "divorce"
        ? MAINTENANCE.removeDependentDivorce
        : input.reason === "death"
          ? MAINTENANCE.removeDependentDeath
          : MAINTENANCE.removeDependent;
    await recordChange(tx, now, principal, {
      maintenance,
      memberId,
      personId: person.id,
      effectiveDate: input.coverageEndDate,
      description: `Removed ${person.relationship} ${person.first_name} ${person.last_name} after ${input.coverageEndDate} (${input.reason}; tier ${settled.tier})`,
      details: { reason: input.reason, tier: settled.tier },
    });
    return memberDetail(tx, await loadMember(tx, principal, memberId));
  });
}
