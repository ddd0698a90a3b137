import type { z } from "zod";
import type {
  CancelPreview,
  CancelRequest,
  CancelResponse,
  MemberDetail,
  ReinstateRequest,
} from "../../contract/members.js";
import type { PortalContext } from "../context.js";
import { transact, type Tx } from "../db/index.js";
import { AppError, Problems, unprocessable } from "../errors.js";
import type { Principal } from "./access.js";
import { addDays, todayOf } from "./dates.js";
import { MAINTENANCE, recordChange } from "./enrollment-log.js";
import {
  checkEndDate,
  refuseDuplicateEmployeeNumber,
  refuseDuplicateSsns,
  requireActive,
  settleMember,
} from "./member-rules.js";
import { loadMember, loadMemberForChange, memberDetail, type MemberRecord } from "./members.js";

/** Cancelling coverage (with its preview) and reinstating it. */

type Out<T extends z.ZodType> = z.output<T>;
type Preview = Out<typeof CancelPreview>;

/** Reinstatement is possible until this many days after the termination date. */
export const REINSTATE_DAYS = 60;

const CANCEL_MAINTENANCE = {
  "termination-of-employment": MAINTENANCE.cancelEmployment,
  death: MAINTENANCE.cancelDeath,
  divorce: MAINTENANCE.cancelDivorce,
  "non-payment": MAINTENANCE.cancelNonPayment,
  voluntary: MAINTENANCE.cancel,
  ineligible: MAINTENANCE.cancel,
  other: MAINTENANCE.cancel,
} as const;

/** The rules of a cancellation and everything it would end. Shared by the preview and the real cancel. */
async function planCancel(
  tx: Tx,
  record: MemberRecord,
  input: Out<typeof CancelRequest>,
  today: string,
): Promise<Preview> {
  const { member } = record;
  if (member.status !== "active")
    throw new AppError(
      409,
      "member_not_active",
      `member ${member.id} is already cancelled (coverage ended ${member.termination_date}); nothing to cancel`,
    );
  const problems = new Problems();
  checkEndDate(problems, "terminationDate", input.terminationDate, today);
  if (input.terminationDate < addDays(member.effective_date, -1))
    problems.add("terminationDate", `is before the member's coverage starts (${member.effective_date})`);
  problems.throwIfAny();
  const plan = await tx
    .selectFrom("plans")
    .select(["code", "name"])
    .where("id", "=", member.plan_id)
    .executeTakeFirstOrThrow();
  const ending = record.people.filter((p) => p.status === "active");
  const pcpIds = ending.flatMap((p) => (p.pcp_provider_id ? [p.pcp_provider_id] : []));
  const providers = pcpIds.length
    ? await tx.selectFrom("providers").selectAll().where("id", "in", pcpIds).execute()
    : [];
  return {
    memberId: member.id,
    version: member.version,
    terminationDate: input.terminationDate,
    reason: input.reason,
    plan,
    people: ending.map((p) => {
      const pcp = providers.find((v) => v.id === p.pcp_provider_id);
      return {
        personId: p.id,
        relationship: p.relationship as Preview["people"][number]["relationship"],
        firstName: p.first_name,
        lastName: p.last_name,
        coverageStart: p.coverage_start,
        coverageEnd: input.terminationDate,
        pcp: pcp ? { providerId: pcp.id, npi: pcp.npi, name: `${pcp.first_name} ${pcp.last_name}` } : null,
      };
    }),
    premium: {
      currentTier: member.tier,
      currentMonthlyCents: member.monthly_premium_cents,
      newMonthlyCents: 0,
      changeMonthlyCents: -member.monthly_premium_cents,
      lastMonthBilled: input.terminationDate.slice(0, 7),
    },
    reinstateUntil: addDays(input.terminationDate, REINSTATE_DAYS),
  };
}

/** What a cancellation would end, by the same rules as the real one. Writes nothing. */
export async function previewCancel(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
  input: Out<typeof CancelRequest>,
): Promise<Preview> {
  const today = todayOf(ctx.clock.now());
  // In a transaction so the preview reads one consistent state; it writes nothing.
  return transact(ctx.db, async (tx) => {
    const record = await loadMemberForChange(tx, principal, memberId, input.version);
    return planCancel(tx, record, input, today);
  });
}

/** Ends everyone's coverage on the termination date; dependents end with the subscriber. */
export async function cancelMember(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
  input: Out<typeof CancelRequest>,
): Promise<Out<typeof CancelResponse>> {
  const now = ctx.clock.now();
  return transact(ctx.db, async (tx) => {
    const record = await loadMemberForChange(tx, principal, memberId, input.version);
    const ended = await planCancel(tx, record, input, todayOf(now));
    await tx
      .updateTable("people")
      .set({ status: "terminated", coverage_end: input.terminationDate })
      .where("member_id", "=", memberId)
      .where("status", "=", "active")
      .execute();
    await tx
      .updateTable("members")
      .set({ termination_date: input.terminationDate, termination_reason: input.reason })
      .where("id", "=", memberId)
      .execute();
    await settleMember(tx, memberId, now);
    await recordChange(tx, now, principal, {
      maintenance: CANCEL_MAINTENANCE[input.reason],
      memberId,
      effectiveDate: input.terminationDate,
      description: `Cancelled coverage after ${input.terminationDate} (${input.reason}) for ${ended.people.length} person(s); premium ${ended.premium.currentMonthlyCents} → 0 cents a month`,
      details: {
        reason: input.reason,
        personIds: ended.people.map((p) => p.personId),
        previousMonthlyCents: ended.premium.currentMonthlyCents,
      },
    });
    return { member: await memberDetail(tx, await loadMember(tx, principal, memberId)), ended };
  });
}

/**
 * Undoes a cancellation within 60 days after the termination date: the people who ended with it, the
 * plan and their PCPs come back as they were, with no gap. Refused once any of them moved to COBRA
 * (that continuation replaced the coverage) and when their SSN or employee number was enrolled again since.
 */
export async function reinstateMember(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
  input: Out<typeof ReinstateRequest>,
): Promise<MemberDetail> {
  const now = ctx.clock.now();
  const today = todayOf(now);
  return transact(ctx.db, async (tx) => {
    const record = await loadMemberForChange(tx, principal, memberId, input?.version);
    const { member } = record;
    const terminationDate = member.termination_date;
    if (member.status === "active" || !terminationDate)
      throw new AppError(
        409,
        "conflict",
        `member ${memberId} is not cancelled; there is nothing to reinstate`,
      );
    const lastDay = addDays(terminationDate, REINSTATE_DAYS);
    if (today > lastDay)
      throw unprocessable(
        "terminationDate",
        `was ${terminationDate}: reinstatement is possible only until ${lastDay} (${REINSTATE_DAYS} days after); enroll the member again instead`,
      );
    const endedWithMember = record.people.filter(
      (p) => p.status === "terminated" && p.coverage_end === terminationDate,
    );
    const onCobra = record.cobra.find((c) => c.regular_coverage_end === terminationDate);
    if (onCobra)
      throw new AppError(
        409,
        "conflict",
        `member ${memberId} moved to COBRA (${onCobra.event}) after the cancellation; COBRA continuation cannot be reinstated`,
      );
    await refuseDuplicateSsns(
      tx,
      ctx.pii,
      principal.employerId,
      endedWithMember.map((p) => ({ path: `people.${p.id}.ssn`, ssn: undefined, hmac: p.ssn_hmac })),
      memberId,
    );
    await refuseDuplicateEmployeeNumber(tx, principal.employerId, member.employee_number, memberId);
    await tx
      .updateTable("people")
      .set({ status: "active", coverage_end: null })
      .where(
        "id",
        "in",
        endedWithMember.map((p) => p.id),
      )
      .execute();
    await tx
      .updateTable("members")
      .set({ termination_date: null, termination_reason: null })
      .where("id", "=", memberId)
      .execute();
    const settled = await settleMember(tx, memberId, now);
    requireActive(settled, "reinstate");
    await recordChange(tx, now, principal, {
      maintenance: MAINTENANCE.reinstate,
      memberId,
      // Coverage resumes the day after it had ended: no gap.
      effectiveDate: addDays(terminationDate, 1),
      description: `Reinstated coverage cancelled on ${terminationDate} for ${endedWithMember.length} person(s) (tier ${settled.tier})`,
      details: {
        cancelledOn: terminationDate,
        personIds: endedWithMember.map((p) => p.id),
        tier: settled.tier,
      },
    });
    return memberDetail(tx, await loadMember(tx, principal, memberId));
  });
}
