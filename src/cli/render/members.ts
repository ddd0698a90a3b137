import type { z } from "zod";
import type {
  CancelPreview,
  CobraCoverage,
  MemberDetail,
  MemberSummary,
  Person,
} from "../../contract/members.js";
import { renderFields, type Column } from "../output.js";

type Detail = z.infer<typeof MemberDetail>;
type Summary = z.infer<typeof MemberSummary>;
type PersonT = z.infer<typeof Person>;

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
export const formatUsd = (cents: number) => usd.format(cents / 100);

const fullName = (p: { firstName: string; lastName: string; middleName?: string | null }) =>
  [p.firstName, p.middleName, p.lastName].filter(Boolean).join(" ");

export const memberColumns: Column<Summary>[] = [
  { header: "memberId", get: (m) => m.id },
  { header: "name", get: (m) => `${m.subscriber.lastName}, ${m.subscriber.firstName}` },
  { header: "ssn", get: (m) => m.subscriber.ssn ?? "" },
  { header: "employeeNumber", get: (m) => m.employeeNumber },
  { header: "status", get: (m) => m.status },
  { header: "group", get: (m) => m.groupNumber },
  { header: "subgroup", get: (m) => m.subgroup ?? "" },
  { header: "location", get: (m) => m.location },
  { header: "plan", get: (m) => m.planCode },
  { header: "tier", get: (m) => m.tier ?? "" },
  { header: "premium", get: (m) => formatUsd(m.monthlyPremiumCents) },
  { header: "dependents", get: (m) => m.coveredDependents },
];

export const personColumns: Column<PersonT>[] = [
  { header: "personId", get: (p) => p.id },
  { header: "relationship", get: (p) => p.relationship },
  { header: "name", get: (p) => fullName(p) },
  { header: "ssn", get: (p) => p.ssn ?? "(none)" },
  { header: "born", get: (p) => p.dateOfBirth },
  { header: "status", get: (p) => p.status },
  { header: "coverage", get: (p) => `${p.coverageStart} – ${p.coverageEnd ?? "open"}` },
  { header: "pcp", get: (p) => (p.pcp ? `${p.pcp.name} (${p.pcp.npi})` : "") },
];

export function renderMemberHeader(m: Detail): string {
  return renderFields([
    ["Member", `${m.id} (version ${m.version})`],
    [
      "Subscriber",
      `${fullName(m.subscriber)}, employee ${m.employeeNumber}, hired ${m.hireDate} (${m.employmentStatus})`,
    ],
    [
      "Status",
      m.status + (m.terminationDate ? `, coverage ends ${m.terminationDate} (${m.terminationReason})` : ""),
    ],
    ["Group", [m.groupNumber, m.subgroup, `location ${m.location}`].filter(Boolean).join(" / ")],
    ["Plan", `${m.plan.code} ${m.plan.name} (${m.plan.type}) since ${m.plan.effectiveDate}`],
    ["Tier", m.tier ? `${m.tier}, ${formatUsd(m.monthlyPremiumCents)} a month` : "no regular coverage"],
    ["Coverage", `from ${m.effectiveDate}`],
  ]);
}

export function renderCobra(c: z.infer<typeof CobraCoverage>): string {
  return renderFields([
    ["COBRA", `${c.id}: ${c.event} on ${c.eventDate}`],
    [
      "Coverage",
      `${c.coverageStart} – ${c.coverageEnd} (${c.months} months; regular coverage ended ${c.regularCoverageEnd})`,
    ],
    [
      "Premium",
      `${formatUsd(c.monthlyPremiumCents)} a month (102%, tier ${c.tier})` +
        (c.extendedMonthlyPremiumCents
          ? `; ${formatUsd(c.extendedMonthlyPremiumCents)} (150%) from ${c.extendedFrom}`
          : ""),
    ],
    ["Elect by", c.electionDeadline],
    ["People", c.personIds],
  ]);
}

export function renderCancelPreview(p: z.infer<typeof CancelPreview>): string {
  const people = p.people.map(
    (x) =>
      `  - ${x.relationship} ${x.firstName} ${x.lastName} (${x.personId}): covered ${x.coverageStart} – ${x.coverageEnd}${x.pcp ? `, PCP ${x.pcp.name}` : ""}`,
  );
  return [
    `Cancelling ${p.memberId} on ${p.terminationDate} (${p.reason}) ends:`,
    `  plan ${p.plan.code} ${p.plan.name}`,
    ...people,
    `Premium: ${formatUsd(p.premium.currentMonthlyCents)} a month (${p.premium.currentTier ?? "–"}) → ${formatUsd(0)}; last month billed ${p.premium.lastMonthBilled}.`,
    `It can be undone with \`hnctl member reinstate\` until ${p.reinstateUntil}.`,
  ].join("\n");
}
