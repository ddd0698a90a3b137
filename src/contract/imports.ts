import { z } from "zod";
import { ErrorDetail } from "./errors.js";
import { GroupNumber, IsoDate, Timestamp } from "./common.js";
import {
  Address,
  CancelReason,
  DependentRelationship,
  Email,
  EmployeeNumber,
  EmploymentStatus,
  LocationCode,
  MaritalStatus,
  MemberDetail,
  Name,
  Phone,
  PlanCode,
  ProviderRef,
  Sex,
  Ssn,
  SubgroupCode,
} from "./members.js";
import { IMPORT_ACTIONS, IMPORT_OUTCOMES, MAX_BATCH_OPERATIONS } from "./enums.js";
export { IMPORT_ACTIONS, IMPORT_OUTCOMES, MAX_BATCH_OPERATIONS } from "./enums.js";

/*
 * Bulk roster import. An input file (CSV today, an X12 834 later) is read into typed rows, the rows
 * are grouped into one operation per member (a subscriber with dependents), and operations are sent
 * in batches. Each operation runs all or nothing (its own savepoint; the portal commits a few dozen at
 * a time) through the same enrollment services, rules, features and scope as the single-member
 * routes, and answers its own result.
 *
 * Operations describe the wanted state: a field left out means "keep what the portal has" (an import
 * never clears a field). `action`: `add` (must not exist), `change` (must exist), `terminate`, or
 * `upsert` ("make it so": add when missing, change what differs, nothing when equal).
 */

export const ImportAction = z.enum(IMPORT_ACTIONS);
export type ImportAction = z.infer<typeof ImportAction>;

export const Termination = z.strictObject({
  date: IsoDate.describe("last day of coverage: the end of a month"),
  reason: CancelReason.default("termination-of-employment"),
});

const personFields = {
  line: z.number().int().min(1).describe("line of the input file this person came from"),
  firstName: Name.optional(),
  middleName: Name.optional(),
  lastName: Name.optional(),
  ssn: Ssn.optional(),
  dateOfBirth: IsoDate.optional(),
  sex: Sex.optional(),
  maritalStatus: MaritalStatus.optional(),
  email: Email.optional(),
  phone: Phone.optional(),
  address: Address.optional(),
  pcp: ProviderRef.optional(),
};

export const ImportSubscriber = z.strictObject(personFields);
export type ImportSubscriber = z.output<typeof ImportSubscriber>;

export const ImportDependent = z.strictObject({
  ...personFields,
  relationship: DependentRelationship,
  disabled: z.boolean().optional(),
  effectiveDate: IsoDate.optional().describe("coverage start when the dependent is added"),
  terminate: Termination.optional().describe("end this dependent's coverage (the member stays covered)"),
});
export type ImportDependent = z.output<typeof ImportDependent>;

export const ImportOperation = z.strictObject({
  ref: z.number().int().min(1).describe("the operation's number in the job: the line of its first row"),
  action: ImportAction,
  employeeNumber: EmployeeNumber.optional().describe(
    "the key: the employer's HR ID; without it the subscriber's SSN",
  ),
  groupNumber: GroupNumber.optional(),
  subgroup: SubgroupCode.optional(),
  location: LocationCode.optional(),
  plan: PlanCode.optional(),
  effectiveDate: IsoDate.optional().describe(
    "coverage start when added; the new plan's start on a plan change",
  ),
  hireDate: IsoDate.optional(),
  employmentStatus: EmploymentStatus.optional(),
  subscriber: ImportSubscriber.optional().describe(
    "left out when the file only has dependent rows for an existing member",
  ),
  dependents: z.array(ImportDependent).max(20).default([]),
  terminate: Termination.optional().describe("with action `terminate`: end the member's coverage"),
});
export type ImportOperationInput = z.input<typeof ImportOperation>;
export type ImportOperation = z.output<typeof ImportOperation>;

export const ImportOutcome = z.enum(IMPORT_OUTCOMES);
export type ImportOutcome = z.infer<typeof ImportOutcome>;

export const ImportResult = z.object({
  ref: z.number().int(),
  outcome: ImportOutcome,
  memberId: z.string().nullable(),
  changes: z.array(z.string()).describe("what changed (or would change), one line each, never an SSN"),
  error: z
    .object({
      status: z.number().int(),
      code: z.string(),
      message: z.string(),
      details: z.array(ErrorDetail),
    })
    .nullable(),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const ImportPlanRequest = z.strictObject({
  operations: z.array(ImportOperation).min(1).max(MAX_BATCH_OPERATIONS),
});
export const ImportPlanResponse = z.object({
  results: z.array(ImportResult).describe("what each operation would do; nothing was written"),
});

export const ImportJobCreateRequest = z.strictObject({
  fileName: z.string().trim().min(1).max(255),
  fileSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256 in hex"),
  totalRows: z.number().int().min(0),
  totalOperations: z.number().int().min(0),
  format: z.enum(["csv", "834"]).default("csv"),
});

export const ImportJobParams = z.strictObject({
  jobId: z
    .string()
    .trim()
    .regex(/^imp_[a-z0-9]{1,64}$/, "must be an import job ID like imp_0123abcd…"),
});

export const ImportCounts = z.object({
  added: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
  terminated: z.number().int(),
  failed: z.number().int(),
});

export const ImportJob = z.object({
  id: z.string(),
  fileName: z.string(),
  fileSha256: z.string(),
  format: z.enum(["csv", "834"]),
  totalRows: z.number().int(),
  totalOperations: z.number().int(),
  processedOperations: z.number().int(),
  counts: ImportCounts,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ImportJob = z.infer<typeof ImportJob>;

export const ImportBatchRequest = z.strictObject({
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,128}$/)
    .describe("derived from the file hash and the batch's rows: a replay returns the stored results"),
  operations: z.array(ImportOperation).min(1).max(MAX_BATCH_OPERATIONS),
});
export const ImportBatchResponse = z.object({
  results: z.array(ImportResult),
  replayed: z.number().int().describe("operations answered from the stored results (applied before)"),
});

export const ImportRowsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0).describe("the last `ref` of the previous page"),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  outcome: ImportOutcome.optional(),
});
export const ImportRowsResponse = z.object({
  results: z.array(ImportResult),
  nextAfter: z.number().int().nullable(),
});

export const MemberExportRequest = z.strictObject({
  since: IsoDate.optional().describe("only members changed on or after this day"),
  groupNumber: GroupNumber.optional(),
  limit: z.number().int().min(1).max(1000).default(500),
  cursor: z.string().max(200).optional(),
});
export const MemberExportResponse = z.object({
  members: z.array(MemberDetail),
  nextCursor: z.string().nullable(),
});
