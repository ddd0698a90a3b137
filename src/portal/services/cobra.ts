import type { z } from "zod";
import type { CobraRequest, CobraResponse } from "../../contract/members.js";
import type { PortalContext } from "../context.js";
import { AppError, unprocessable } from "../errors.js";
import { newId } from "../ids.js";
import type { Principal } from "./access.js";
import { cobraTerms, cobraTier, isChildLike, MEMBER_ENDING_EVENTS, rateFor, RETRO_DAYS } from "./coverage.js";
import { addDays, endOfMonth, todayOf } from "./dates.js";
import { COBRA_EVENT_CODE, MAINTENANCE, recordChange } from "./enrollment-log.js";
import { requireActive, settleMember } from "./member-rules.js";
import {
  loadMember,
  loadMemberForChange,
  memberDetail,
  personOf,
  toCobra,
  type CobraRow,
  type MemberRecord,
  type PersonRow,
} from "./members.js";

/**
 * COBRA continuation after a qualifying event. Two kinds of events:
 *
 * - Events that end the employee's own coverage: termination-of-employment and reduced-hours (18 months),
 *   disability-extension (29), the employee's death or Medicare entitlement (36, dependents only). They
 *   need the member's regular coverage cancelled first: for an active member they are refused (422 on
 *   `event`), because the cancellation (its date, its preview, its confirmation) is a decision of its
 *   own. The continuation covers the people who ended with that cancellation, or the one `personId`.
 *   A disability extension lengthens an existing 18-month continuation to 29 months.
 * - Events of one dependent while the employee stays covered: divorce and legal-separation (the spouse),
 *   dependent-ineligible (a child; `personId` required). That person's coverage ends at the end of the
 *   event's month and COBRA starts the next day; the member's tier and premium follow.
 *
 * Coverage terminated for non-payment of premium is not a qualifying event.
 */
type Out<T extends z.ZodType> = z.output<T>;

interface Continuation {
  beneficiaries: PersonRow[];
  regularCoverageEnd: string;
  /** A disability extension lengthens this continuation instead of starting another. */
  extends?: CobraRow;
}

function memberEndingContinuation(record: MemberRecord, input: Out<typeof CobraRequest>): Continuation {
  const { member } = record;
  const terminationDate = member.termination_date;
  if (member.status === "active" || !terminationDate)
    throw unprocessable(
      "event",
      `${input.event} needs the member's coverage cancelled first: member ${member.id} still has active coverage (cancel it with \`hnctl member cancel ${member.id} --reason termination-of-employment\`)`,
    );
  if (member.termination_reason === "non-payment")
    throw unprocessable("event", "is not a qualifying event: the coverage ended for non-payment of premium");
  if (input.event !== "disability-extension" && input.eventDate > terminationDate)
    throw unprocessable(
      "eventDate",
      `is after the coverage ended (${terminationDate}); the qualifying event is what ended it`,
    );
  if (input.event === "disability-extension") {
    const original = record.cobra.find(
      (c) =>
        c.regular_coverage_end === terminationDate &&
        (c.event === "termination-of-employment" || c.event === "reduced-hours"),
    );
    if (original) {
      const on = record.people.filter((p) => p.cobra_id === original.id);
      if (input.personId && !on.some((p) => p.id === input.personId))
        throw unprocessable("personId", `is not on the COBRA continuation being extended (${original.id})`);
      return { beneficiaries: on, regularCoverageEnd: terminationDate, extends: original };
    }
  }
  const employeeEvent = input.event !== "death" && input.event !== "medicare";
  const eligible = record.people.filter(
    (p) =>
      p.status === "terminated" &&
      p.coverage_end === terminationDate &&
      (employeeEvent || p.relationship !== "subscriber"),
  );
  if (input.personId) {
    const person = personOf(record, input.personId);
    if (!eligible.includes(person))
      throw unprocessable(
        "personId",
        person.status === "cobra"
          ? "is already on COBRA"
          : `is not a qualified beneficiary of ${input.event}: only people whose coverage ended with the member on ${terminationDate}${employeeEvent ? "" : " (dependents, not the employee)"}`,
      );
    return { beneficiaries: [person], regularCoverageEnd: terminationDate };
  }
  if (!eligible.length) {
    if (record.people.some((p) => p.status === "cobra"))
      throw new AppError(409, "conflict", `everyone eligible on member ${member.id} is already on COBRA`);
    throw unprocessable(
      "event",
      `leaves no one to continue: ${input.event} qualifies dependents and member ${member.id} had none covered`,
    );
  }
  return { beneficiaries: eligible, regularCoverageEnd: terminationDate };
}

function dependentContinuation(
  record: MemberRecord,
  input: Out<typeof CobraRequest>,
  today: string,
): Continuation {
  requireActive(
    record.member,
    `record ${input.event} (the member's coverage has ended; use the employee's event)`,
  );
  if (input.eventDate > today)
    throw unprocessable("eventDate", "is in the future; record the event once it has happened");
  const forSpouse = input.event === "divorce" || input.event === "legal-separation";
  let person: PersonRow | undefined;
  if (input.personId) person = personOf(record, input.personId);
  else if (forSpouse)
    person = record.people.find((p) => p.relationship === "spouse" && p.status === "active");
  if (!person)
    throw unprocessable(
      "personId",
      forSpouse
        ? `is required: member ${record.member.id} has no covered spouse`
        : "is required: name the child who lost dependent status",
    );
  if (person.status !== "active")
    throw unprocessable(
      "personId",
      `${person.first_name} ${person.last_name} is not covered (${person.status})`,
    );
  if (forSpouse && person.relationship !== "spouse")
    throw unprocessable(
      "personId",
      `must be the covered spouse: ${input.event} is a qualifying event for a spouse`,
    );
  if (!forSpouse && !isChildLike(person.relationship))
    throw unprocessable(
      "personId",
      "must be a covered child: dependent-ineligible is a qualifying event for a child",
    );
  const regularCoverageEnd = endOfMonth(input.eventDate);
  if (regularCoverageEnd < addDays(today, -RETRO_DAYS))
    throw unprocessable(
      "eventDate",
      `would end coverage on ${regularCoverageEnd}, more than ${RETRO_DAYS} days in the past`,
    );
  if (regularCoverageEnd < person.coverage_start)
    throw unprocessable(
      "eventDate",
      `is before ${person.first_name}'s coverage starts (${person.coverage_start})`,
    );
  return { beneficiaries: [person], regularCoverageEnd };
}

export async function startCobra(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
  input: Out<typeof CobraRequest>,
): Promise<Out<typeof CobraResponse>> {
  const now = ctx.clock.now();
  const today = todayOf(now);
  return ctx.db.transaction().execute(async (tx) => {
    const record = await loadMemberForChange(tx, principal, memberId, input.version);
    const continuation = MEMBER_ENDING_EVENTS.has(input.event)
      ? memberEndingContinuation(record, input)
      : dependentContinuation(record, input, today);
    const plan = await tx
      .selectFrom("plans")
      .selectAll()
      .where("id", "=", record.member.plan_id)
      .executeTakeFirstOrThrow();
    const tier = cobraTier(continuation.beneficiaries.map((p) => p.relationship));
    const noticeDate = continuation.extends ? continuation.extends.created_at.slice(0, 10) : today;
    const terms = cobraTerms(input.event, continuation.regularCoverageEnd, rateFor(plan, tier), noticeDate);
    const columns = {
      event: input.event,
      event_date: input.eventDate,
      tier,
      regular_coverage_end: continuation.regularCoverageEnd,
      coverage_start: terms.coverageStart,
      coverage_end: terms.coverageEnd,
      months: terms.months,
      election_deadline: terms.electionDeadline,
      monthly_premium_cents: terms.monthlyPremiumCents,
      extended_monthly_premium_cents: terms.extendedMonthlyPremiumCents,
      extended_from: terms.extendedFrom,
    };
    let cobraId: string;
    if (continuation.extends) {
      cobraId = continuation.extends.id;
      await tx.updateTable("cobra_coverages").set(columns).where("id", "=", cobraId).execute();
    } else {
      cobraId = newId("cob");
      await tx
        .insertInto("cobra_coverages")
        .values({ id: cobraId, member_id: memberId, ...columns, created_at: now.toISOString() })
        .execute();
      await tx
        .updateTable("people")
        .set({ status: "cobra", coverage_end: continuation.regularCoverageEnd, cobra_id: cobraId })
        .where(
          "id",
          "in",
          continuation.beneficiaries.map((p) => p.id),
        )
        .execute();
    }
    await settleMember(tx, memberId, now);
    const names = continuation.beneficiaries.map((p) => `${p.first_name} ${p.last_name}`).join(", ");
    await recordChange(tx, now, principal, {
      maintenance: MAINTENANCE.cobra,
      memberId,
      personId: continuation.beneficiaries.length === 1 ? continuation.beneficiaries[0]!.id : null,
      effectiveDate: terms.coverageStart,
      description: `${continuation.extends ? "Extended" : "Started"} COBRA (${input.event}) for ${names}: ${terms.coverageStart} to ${terms.coverageEnd}, ${terms.monthlyPremiumCents} cents a month`,
      details: {
        event: input.event,
        eventCode: COBRA_EVENT_CODE[input.event],
        eventDate: input.eventDate,
        cobraId,
        personIds: continuation.beneficiaries.map((p) => p.id),
        coverageStart: terms.coverageStart,
        coverageEnd: terms.coverageEnd,
      },
    });
    const after = await loadMember(tx, principal, memberId);
    const cobra = after.cobra.find((c) => c.id === cobraId)!;
    return { member: await memberDetail(tx, after), cobra: toCobra(cobra, after.people) };
  });
}
