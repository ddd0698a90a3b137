import { z } from "zod";
import { GroupNumber, IsoDate, Timestamp } from "./common.js";
import {
  COVERAGE_TIERS,
  PLAN_TYPES,
  SEXES,
  MARITAL_STATUSES,
  DEPENDENT_RELATIONSHIPS,
  EMPLOYMENT_STATUSES,
  MEMBER_STATUSES,
  PERSON_STATUSES,
  CANCEL_REASONS,
  COBRA_EVENTS,
  TRANSACTION_TYPES,
} from "./enums.js";
export {
  COVERAGE_TIERS,
  PLAN_TYPES,
  SEXES,
  MARITAL_STATUSES,
  DEPENDENT_RELATIONSHIPS,
  EMPLOYMENT_STATUSES,
  MEMBER_STATUSES,
  PERSON_STATUSES,
  CANCEL_REASONS,
  COBRA_EVENTS,
  TRANSACTION_TYPES,
} from "./enums.js";

/*
 * Enrollment: plans, providers, groups, locations, and members (a subscriber with dependents).
 *
 * Identifiers users type are the natural ones: group numbers (`G1000001`), subgroup codes (`SAL`),
 * location codes (`DET`), plan codes (`HMO-500`) and providers by NPI (`1003000126`) or ID (`prv_…`).
 * Members are `mbr_…`, people (subscriber and dependents) `per_…`.
 *
 * SSNs are accepted as `123-45-6789` or `123456789` and always answered masked (`***-**-6789`);
 * only `memberRevealSsn` (enrollment.edit, audited) answers them in full.
 *
 * Changes to an existing member carry the `version` last read: a stale version is `409 version_conflict`
 * (required on field updates, checked when given on actions such as cancel).
 */

// ---------------------------------------------------------------- building blocks

export const MemberId = z
  .string()
  .trim()
  .regex(/^mbr_[a-z0-9]{1,64}$/, "must be a member ID like mbr_0123abcd…");
export const PersonId = z
  .string()
  .trim()
  .regex(/^per_[a-z0-9]{1,64}$/, "must be a person ID like per_0123abcd…");

export const PlanCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, "must be a plan code like HMO-500 (see `hnctl plan list`)");
export const LocationCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{1,16}$/, "must be a location code like DET (see `hnctl location list`)");
export const SubgroupCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{1,16}$/, "must be a subgroup code like SAL (see `hnctl group list`)");
/** A provider by NPI (10 digits) or by directory ID (`prv_…`). */
export const ProviderRef = z
  .string()
  .trim()
  .regex(/^(\d{10}|prv_[a-z0-9]{1,64})$/, "must be a provider NPI (10 digits) or ID (prv_…)");

/** EE employee only, ES + spouse/partner, EC + child(ren), EF family. Follows from who is covered. */
export const CoverageTier = z.enum(COVERAGE_TIERS);
export type CoverageTier = z.infer<typeof CoverageTier>;

export const PlanType = z.enum(PLAN_TYPES);

const ssnDigits = (raw: string) => raw.replace(/-/g, "");
/**
 * SSA rules: 9 digits (dashes optional); area not 000, 666 or 900–999; group not 00; serial not 0000.
 * Normalised to 9 digits.
 */
export function ssnProblem(raw: string): string | undefined {
  if (!/^(\d{3}-\d{2}-\d{4}|\d{9})$/.test(raw)) return "must be 9 digits, e.g. 123-45-6789";
  const digits = ssnDigits(raw);
  const area = digits.slice(0, 3);
  // Messages never echo the digits: error answers may end up in logs.
  if (area === "000" || area === "666" || area.startsWith("9"))
    return "is not a valid SSN: the first three digits cannot be 000, 666 or 900–999 (never issued)";
  if (digits.slice(3, 5) === "00") return "is not a valid SSN: the middle two digits cannot be 00";
  if (digits.slice(5) === "0000") return "is not a valid SSN: the last four digits cannot be 0000";
  return undefined;
}
export const Ssn = z
  .string()
  .trim()
  .superRefine((raw, ctx) => {
    const problem = ssnProblem(raw);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform(ssnDigits);

/** How SSNs appear in every response: `***-**-6789`, or null when the person has none (newborns). */
export const MaskedSsn = z.string().regex(/^\*\*\*-\*\*-\d{4}$/);

export const Sex = z.enum(SEXES).describe("F, M or U (unknown/undisclosed)");

export const MaritalStatus = z.enum(MARITAL_STATUSES);

export const DependentRelationship = z.enum(DEPENDENT_RELATIONSHIPS);
export type DependentRelationship = z.infer<typeof DependentRelationship>;
export const Relationship = z.enum(["subscriber", ...DEPENDENT_RELATIONSHIPS]);
export type Relationship = z.infer<typeof Relationship>;

export const EmploymentStatus = z.enum(EMPLOYMENT_STATUSES);

/**
 * `active`: the subscriber has regular coverage. `terminated`: regular coverage is cancelled (it runs
 * through `terminationDate`). `cobra`: regular coverage ended and people continue under COBRA.
 */
export const MemberStatus = z.enum(MEMBER_STATUSES);
export type MemberStatus = z.infer<typeof MemberStatus>;

/**
 * `active`: covered. `removed`: a dependent taken off while the member stayed covered. `terminated`:
 * ended with the member's cancellation (reinstatement restores these). `cobra`: continues under COBRA.
 */
export const PersonStatus = z.enum(PERSON_STATUSES);

export const CancelReason = z.enum(CANCEL_REASONS);
export type CancelReason = z.infer<typeof CancelReason>;

export const CobraEvent = z.enum(COBRA_EVENTS);
export type CobraEvent = z.infer<typeof CobraEvent>;

export const Address = z.strictObject({
  line1: z.string().trim().min(1, "is required").max(100),
  line2: z.string().trim().max(100).optional(),
  city: z.string().trim().min(1, "is required").max(60),
  state: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, "must be a two-letter state code, e.g. MI"),
  zip: z
    .string()
    .trim()
    .regex(/^\d{5}(-\d{4})?$/, "must be a ZIP code like 48201 or 48201-1234"),
});
export type Address = z.infer<typeof Address>;

/** The employer's HR ID for the employee: a roster import's key for the member. */
export const EmployeeNumber = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,32}$/, "must be 1-32 letters, digits, '.', '_' or '-'");
export const Name = z.string().trim().min(1, "is required").max(60, "must be at most 60 characters");
export const Email = z.email("must be an e-mail address").max(254);
export const Phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ().-]{7,20}$/, "must be a phone number, e.g. 313-555-0142");

/** The fields every covered person has on input. */
const personFields = {
  firstName: Name,
  middleName: Name.optional(),
  lastName: Name,
  ssn: Ssn.optional().describe("required unless the person is a newborn under one year old"),
  dateOfBirth: IsoDate,
  sex: Sex,
  maritalStatus: MaritalStatus.optional(),
  email: Email.optional(),
  phone: Phone.optional(),
  address: Address.optional(),
  pcp: ProviderRef.optional().describe("primary care physician; required for each person on an HMO plan"),
};

export const SubscriberInput = z.strictObject({
  ...personFields,
  address: Address,
});
export type SubscriberInput = z.output<typeof SubscriberInput>;

export const DependentInput = z.strictObject({
  ...personFields,
  relationship: DependentRelationship,
  disabled: z
    .boolean()
    .default(false)
    .describe("a disabled child does not age out at 26 (disabled adult child)"),
});
export type DependentInput = z.output<typeof DependentInput>;

// ---------------------------------------------------------------- catalog: plans, providers, groups, locations

export const TierRates = z.object({
  EE: z.number().int(),
  ES: z.number().int(),
  EC: z.number().int(),
  EF: z.number().int(),
});

export const Plan = z.object({
  code: z.string(),
  name: z.string(),
  type: PlanType,
  requiresPcp: z.boolean(),
  monthlyRatesCents: TierRates.describe("monthly premium per coverage tier, in cents"),
  groupNumbers: z.array(z.string()).describe("groups the plan is offered to"),
});
export const PlanListQuery = z.strictObject({
  group: GroupNumber.optional().describe("only plans offered to this group"),
});
export const PlanList = z.object({ plans: z.array(Plan) });

export const Provider = z.object({
  id: z.string(),
  npi: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  specialty: z.string(),
  city: z.string(),
  state: z.string(),
  zip: z.string(),
  acceptingNewPatients: z.boolean(),
  planCodes: z.array(z.string()).describe("plans whose network the provider is in"),
});
export const ProviderSearchQuery = z.strictObject({
  zip: z
    .string()
    .trim()
    .regex(/^\d{3,5}$/, "must be a ZIP code or its first 3 or more digits")
    .optional(),
  name: z.string().trim().min(1).max(60).optional().describe("last-name prefix, case-insensitive"),
  plan: PlanCode.optional().describe("only providers in this plan's network"),
  accepting: z.stringbool().optional().describe("only providers accepting new patients"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const ProviderList = z.object({ providers: z.array(Provider) });

export const Group = z.object({
  groupNumber: z.string(),
  name: z.string(),
  subgroups: z.array(z.object({ code: z.string(), name: z.string() })),
  planCodes: z.array(z.string()),
});
export const GroupList = z.object({ groups: z.array(Group) });

export const Location = z.object({ code: z.string(), name: z.string(), city: z.string(), state: z.string() });
export const LocationList = z.object({ locations: z.array(Location) });

// ---------------------------------------------------------------- members: responses

export const PcpInfo = z.object({ providerId: z.string(), npi: z.string(), name: z.string() });

export const Person = z.object({
  id: z.string(),
  relationship: Relationship,
  firstName: z.string(),
  middleName: z.string().nullable(),
  lastName: z.string(),
  ssn: MaskedSsn.nullable(),
  dateOfBirth: IsoDate,
  sex: Sex,
  maritalStatus: MaritalStatus.nullable(),
  disabled: z.boolean(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  address: z
    .object({
      line1: z.string(),
      line2: z.string().nullable(),
      city: z.string(),
      state: z.string(),
      zip: z.string(),
    })
    .nullable(),
  status: PersonStatus,
  coverageStart: IsoDate,
  coverageEnd: IsoDate.nullable().describe("last day of coverage; null while open-ended"),
  pcp: PcpInfo.nullable(),
  cobraId: z.string().nullable().describe("the COBRA continuation the person is on"),
});
export type Person = z.infer<typeof Person>;

export const CobraCoverage = z.object({
  id: z.string(),
  event: CobraEvent,
  eventDate: IsoDate,
  personIds: z.array(z.string()),
  tier: CoverageTier,
  regularCoverageEnd: IsoDate,
  coverageStart: IsoDate.describe("the day after regular coverage ends"),
  coverageEnd: IsoDate,
  months: z.number().int().describe("18, 29 or 36"),
  electionDeadline: IsoDate.describe("60 days after the later of the loss of coverage and this notice"),
  monthlyPremiumCents: z.number().int().describe("102% of the plan's rate for the tier"),
  extendedMonthlyPremiumCents: z
    .number()
    .int()
    .nullable()
    .describe("150% of the rate, for months 19–29 of a disability extension"),
  extendedFrom: IsoDate.nullable().describe("first day charged at the extended premium"),
});
export type CobraCoverage = z.infer<typeof CobraCoverage>;

export const MemberDetail = z.object({
  id: z.string(),
  version: z.number().int().describe("send it back with changes; a stale version is 409"),
  status: MemberStatus,
  groupNumber: z.string(),
  subgroup: z.string().nullable(),
  location: z.string(),
  plan: z.object({ code: z.string(), name: z.string(), type: PlanType, effectiveDate: IsoDate }),
  tier: CoverageTier.nullable().describe("null while no one has regular coverage"),
  monthlyPremiumCents: z.number().int().describe("the plan's rate for the tier; 0 without regular coverage"),
  effectiveDate: IsoDate,
  terminationDate: IsoDate.nullable(),
  terminationReason: CancelReason.nullable(),
  employeeNumber: z.string(),
  hireDate: IsoDate,
  employmentStatus: EmploymentStatus,
  subscriber: Person,
  dependents: z.array(Person).describe("current and former dependents, with their status"),
  cobra: z.array(CobraCoverage),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type MemberDetail = z.infer<typeof MemberDetail>;

export const MemberSummary = z.object({
  id: z.string(),
  version: z.number().int(),
  status: MemberStatus,
  groupNumber: z.string(),
  subgroup: z.string().nullable(),
  location: z.string(),
  planCode: z.string(),
  tier: CoverageTier.nullable(),
  monthlyPremiumCents: z.number().int(),
  effectiveDate: IsoDate,
  terminationDate: IsoDate.nullable(),
  employeeNumber: z.string(),
  subscriber: z.object({
    id: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    ssn: MaskedSsn.nullable(),
    dateOfBirth: IsoDate,
  }),
  coveredDependents: z.number().int().describe("dependents with active coverage"),
});
export type MemberSummary = z.infer<typeof MemberSummary>;

// ---------------------------------------------------------------- members: requests

export const MemberParams = z.strictObject({ memberId: MemberId });
export const DependentParams = z.strictObject({ memberId: MemberId, personId: PersonId });

const version = z.number().int().min(1).describe("the member's version as last read");
const optionalVersion = version.optional().describe("when given, a stale version is 409 instead of applying");

export const EnrollRequest = z.strictObject({
  groupNumber: GroupNumber,
  subgroup: SubgroupCode.optional().describe("required when the group has subgroups"),
  location: LocationCode,
  plan: PlanCode,
  effectiveDate: IsoDate.describe("first of a month, not more than 60 days in the past"),
  employeeNumber: EmployeeNumber,
  hireDate: IsoDate,
  employmentStatus: EmploymentStatus.default("full-time"),
  subscriber: SubscriberInput,
  dependents: z.array(DependentInput).max(20).default([]),
});
export type EnrollRequest = z.output<typeof EnrollRequest>;

export const MemberSearchRequest = z.strictObject({
  memberId: MemberId.optional(),
  ssn: Ssn.optional().describe("exact SSN of the subscriber or a dependent"),
  name: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .optional()
    .describe(
      "case-insensitive prefix of a last name, or `Last, First-prefix`; matches subscribers and dependents",
    ),
  status: MemberStatus.optional(),
  groupNumber: GroupNumber.optional(),
  subgroup: SubgroupCode.optional(),
  location: LocationCode.optional(),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional().describe("`nextCursor` of the previous page"),
});
export type MemberSearchRequest = z.output<typeof MemberSearchRequest>;
export const MemberSearchResponse = z.object({
  members: z.array(MemberSummary).describe("ordered by subscriber last name, first name, then member ID"),
  nextCursor: z.string().nullable().describe("pass it as `cursor` for the next page; null on the last page"),
});

export const MemberUpdateRequest = z.strictObject({
  version,
  firstName: Name.optional(),
  middleName: Name.nullable().optional().describe("null clears it"),
  lastName: Name.optional(),
  maritalStatus: MaritalStatus.optional(),
  email: Email.nullable().optional(),
  phone: Phone.nullable().optional(),
  address: Address.optional(),
  employmentStatus: EmploymentStatus.exclude(["terminated"]).optional(),
});

export const PlanChangeRequest = z.strictObject({
  version: optionalVersion,
  plan: PlanCode,
  effectiveDate: IsoDate.describe("first of a month, not more than 60 days in the past"),
  pcps: z
    .array(z.strictObject({ personId: PersonId, provider: ProviderRef }))
    .max(21)
    .default([])
    .describe("PCPs for the new plan when it needs them; people whose PCP is in its network keep theirs"),
});

export const PcpChangeRequest = z.strictObject({
  version: optionalVersion,
  personId: PersonId.optional().describe("default: the subscriber"),
  provider: ProviderRef,
});

export const DependentAddRequest = z.strictObject({
  version: optionalVersion,
  dependent: DependentInput,
  effectiveDate: IsoDate.describe(
    "first of a month (or a newborn's date of birth), not before the member's coverage and not more than 60 days in the past",
  ),
});

export const DependentUpdateRequest = z.strictObject({
  version,
  firstName: Name.optional(),
  middleName: Name.nullable().optional(),
  lastName: Name.optional(),
  maritalStatus: MaritalStatus.optional(),
  email: Email.nullable().optional(),
  phone: Phone.nullable().optional(),
  address: Address.nullable().optional().describe("null: same as the subscriber"),
  disabled: z.boolean().optional(),
  ssn: Ssn.optional().describe("add a newborn's SSN once issued"),
});

export const DependentRemoveRequest = z.strictObject({
  version: optionalVersion,
  coverageEndDate: IsoDate.describe("end of a month, not more than 60 days in the past"),
  reason: z.enum(["divorce", "death", "ineligible", "other"]).default("other"),
});

export const CancelRequest = z.strictObject({
  version: optionalVersion,
  terminationDate: IsoDate.describe(
    "last day of coverage: the end of a month, not more than 60 days in the past",
  ),
  reason: CancelReason,
});

export const CancelPreview = z.object({
  memberId: z.string(),
  version: z.number().int().describe("pass it to the real cancel so nothing changed in between"),
  terminationDate: IsoDate,
  reason: CancelReason,
  plan: z.object({ code: z.string(), name: z.string() }),
  people: z
    .array(
      z.object({
        personId: z.string(),
        relationship: Relationship,
        firstName: z.string(),
        lastName: z.string(),
        coverageStart: IsoDate,
        coverageEnd: IsoDate,
        pcp: PcpInfo.nullable(),
      }),
    )
    .describe("everyone whose coverage ends"),
  premium: z.object({
    currentTier: CoverageTier.nullable(),
    currentMonthlyCents: z.number().int(),
    newMonthlyCents: z.literal(0),
    changeMonthlyCents: z.number().int().describe("negative: the monthly premium drops by this much"),
    lastMonthBilled: z.string().describe("YYYY-MM: the last month premium is due for"),
  }),
  reinstateUntil: IsoDate.describe("the last day the cancellation can be undone with reinstate"),
});
export const CancelResponse = z.object({ member: MemberDetail, ended: CancelPreview });

/** The body may be left out (reinstate needs no input). */
export const ReinstateRequest = z.strictObject({ version: optionalVersion }).nullish();

export const CobraRequest = z.strictObject({
  version: optionalVersion,
  event: CobraEvent,
  eventDate: IsoDate,
  personId: PersonId.optional().describe(
    "only this person; default: everyone the event qualifies (see the rules in the route description)",
  ),
});
export const CobraResponse = z.object({ member: MemberDetail, cobra: CobraCoverage });

export const EnrollmentTransaction = z.object({
  id: z.string(),
  type: z.enum(TRANSACTION_TYPES),
  maintenanceTypeCode: z
    .string()
    .describe("X12 834 INS03: 001 change, 021 addition, 024 termination, 025 reinstatement"),
  maintenanceReasonCode: z.string().describe("X12 834 INS04, e.g. 28 initial enrollment, 22 plan change"),
  personId: z.string().nullable().describe("the person it concerns; null for the whole member"),
  effectiveDate: IsoDate,
  description: z.string(),
  actor: z
    .object({ userId: z.string(), name: z.string(), apiTokenId: z.string().nullable() })
    .nullable()
    .describe("null for changes the portal made itself (demo data)"),
  at: Timestamp,
});
export const MemberHistory = z.object({ memberId: z.string(), transactions: z.array(EnrollmentTransaction) });

export const SsnReveal = z.object({
  memberId: z.string(),
  people: z.array(
    z.object({
      personId: z.string(),
      relationship: Relationship,
      firstName: z.string(),
      lastName: z.string(),
      ssn: z.string().nullable().describe("in full, 123-45-6789; null when the person has none"),
    }),
  ),
});
