import { z } from "zod";
import { GroupNumber, IsoDate, Timestamp } from "./common.js";
import { MAX_CENTS } from "./money.js";
import {
  CancelPreview,
  CancelReason,
  EnrollRequest,
  MemberDetail,
  MemberId,
  MemberStatus,
  SubgroupCode,
} from "./members.js";
import { INVOICE_STATUSES, AMOUNT_DUE_STATUSES, LINE_STATUSES } from "./enums.js";
export { INVOICE_STATUSES, AMOUNT_DUE_STATUSES, LINE_STATUSES } from "./enums.js";

/*
 * Billing: one invoice per group per month, issued on the 15th for the next month, due on the 1st.
 * Money is integer cents. Invoices are `inv_…`; their human number is `G1000001-202612`.
 *
 * Totals follow a balance-forward statement: amount due = previous balance − payments received +
 * adjustments + current charges. The previous balance is the amount due of the group's previous invoice;
 * payments are those received against it before this one was issued.
 */

export const InvoiceId = z
  .string()
  .trim()
  .regex(/^inv_[a-z0-9]{1,64}$/, "must be an invoice ID like inv_0123abcd… (see `hnctl bill list`)");
export const Month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month like 2026-12")
  .describe("YYYY-MM");

/**
 * `open` nothing received yet, due date not passed; `partially_paid` some received; `paid` the amount due
 * was received (or nothing was due); `past_due` unpaid after the due date; `closed` the next invoice was
 * issued while this one was unpaid: its balance moved to the next invoice's previous balance.
 */
export const InvoiceStatus = z.enum(INVOICE_STATUSES);
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;

export const InvoiceTotals = z.object({
  previousBalanceCents: z.number().int(),
  paymentsCents: z
    .number()
    .int()
    .describe("received against the previous invoice before this one was issued"),
  adjustmentsCents: z.number().int().describe("changes to months already billed (negative: credits)"),
  currentChargesCents: z.number().int().describe("the sum of the lines: premium for the invoice's month"),
  amountDueCents: z.number().int(),
});

export const InvoiceSummary = z.object({
  id: z.string(),
  number: z.string(),
  groupNumber: z.string(),
  groupName: z.string(),
  period: Month.describe("the month the current charges cover"),
  issueDate: IsoDate,
  dueDate: IsoDate,
  status: InvoiceStatus,
  totals: InvoiceTotals,
  paidCents: z.number().int().describe("received against this invoice since it was issued"),
  balanceCents: z.number().int().describe("amount due − paid; negative is a credit"),
  lineCount: z.number().int(),
  delivery: z.array(z.enum(["portal", "paper", "email"])).describe("how the bill went out"),
});
export type InvoiceSummary = z.infer<typeof InvoiceSummary>;

export const InvoiceListQuery = z.strictObject({
  status: InvoiceStatus.optional(),
  group: GroupNumber.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const InvoiceList = z.object({ invoices: z.array(InvoiceSummary).describe("newest first") });

export const InvoiceParams = z.strictObject({ invoiceId: InvoiceId });
export const InvoiceCurrentQuery = z.strictObject({
  group: GroupNumber.optional().describe("required when you see more than one group"),
});

export const AdjustmentGroup = z.object({
  memberId: z.string(),
  subscriberName: z.string(),
  reason: z.string(),
  months: z.array(Month).describe("the months it covers (whole months)"),
  amountCents: z.number().int().describe("negative: a credit"),
});
export type AdjustmentGroup = z.infer<typeof AdjustmentGroup>;

export const AmountDueRequestView = z.object({
  id: z.string(),
  invoiceId: z.string(),
  memberId: z.string().nullable().describe("the line it is for; null: the invoice total"),
  amountCents: z.number().int(),
  reason: z.string(),
  status: z.enum(AMOUNT_DUE_STATUSES),
  verification: z.string().nullable().describe("why it was accepted or rejected"),
  createdAt: Timestamp,
  verifiedAt: Timestamp.nullable(),
});
export type AmountDueRequestView = z.infer<typeof AmountDueRequestView>;

export const PaymentApplied = z.object({
  id: z.string(),
  amountCents: z.number().int(),
  appliedAt: Timestamp,
  source: z.string(),
  reference: z.string().nullable(),
});

export const InvoiceDetail = InvoiceSummary.extend({
  employerName: z.string(),
  policyholderId: z.string(),
  adjustments: z.array(AdjustmentGroup),
  pendingAdjustments: z
    .array(AdjustmentGroup)
    .describe("roster changes made since this invoice was issued: they appear on the next invoice"),
  amountDueRequests: z.array(AmountDueRequestView),
  payments: z.array(PaymentApplied).describe("received against this invoice"),
});
export type InvoiceDetail = z.infer<typeof InvoiceDetail>;

export const InvoiceLine = z.object({
  memberId: z.string(),
  employeeNumber: z.string(),
  subscriberName: z.string(),
  subgroup: z.string().nullable(),
  location: z.string(),
  status: MemberStatus.describe("the member's status when the invoice was issued"),
  planCode: z.string().nullable(),
  tier: z.string().nullable(),
  people: z.array(
    z.object({
      personId: z.string(),
      name: z.string(),
      relationship: z.string(),
      status: z.string().describe("active, terminated, removed or cobra"),
      coverageEnd: IsoDate.nullable(),
    }),
  ),
  regularCents: z.number().int(),
  cobraCents: z.number().int().describe("COBRA continuation premium (102%/150% of the rate)"),
  premiumCents: z.number().int(),
});
export type InvoiceLine = z.infer<typeof InvoiceLine>;

export const InvoiceLinesQuery = z.strictObject({
  member: MemberId.optional(),
  status: z.enum(LINE_STATUSES).optional(),
  subgroup: SubgroupCode.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(512).optional().describe("`nextCursor` of the previous page"),
});
export const InvoiceLines = z.object({
  lines: z.array(InvoiceLine).describe("in subscriber name order"),
  nextCursor: z.string().nullable(),
});

// ---------------------------------------------------------------- roster adjustments

export const PendingAdjustment = z.object({
  month: Month,
  amountCents: z.number().int(),
  reason: z.string(),
});
export const AdjustResponse = z.object({
  invoiceId: z.string(),
  dryRun: z.boolean(),
  memberId: z.string().nullable().describe("null on a dry run of an addition"),
  pendingAdjustments: z
    .array(PendingAdjustment)
    .describe("what the change adds to the next invoice, per month already billed"),
  pendingTotalCents: z.number().int(),
  cancel: CancelPreview.nullable().describe("for a termination: everything that ends"),
  member: MemberDetail.nullable().describe("the member after the change (null on a dry run)"),
});

export const AdjustTerminateRequest = z.strictObject({
  memberId: MemberId,
  terminationDate: IsoDate.describe("last day of coverage: the end of a month, not more than 60 days ago"),
  reason: CancelReason,
  version: z.number().int().min(1).optional(),
  dryRun: z.boolean().default(false).describe("check and show the adjustment; change nothing"),
});
export const AdjustAddRequest = z.strictObject({
  enrollment: EnrollRequest.describe("the invoice's group; the same rules as enrolling"),
  dryRun: z.boolean().default(false),
});

// ---------------------------------------------------------------- amount-due requests

export const AmountDueRequestCreate = z.strictObject({
  amountCents: z
    .number("must be a number of cents")
    .int("must be whole cents")
    .min(0, "must not be negative")
    .max(MAX_CENTS, "is too large"),
  reason: z.string("is required").trim().min(1, "is required: say why the amount differs").max(500),
  memberId: MemberId.optional().describe("propose the amount of this member's line instead of the total"),
});

// ---------------------------------------------------------------- preferences

export const BillingPreferencesParams = z.strictObject({ groupNumber: GroupNumber });
export const BillingPreferences = z.object({
  groupNumber: z.string(),
  paperBilling: z.boolean().describe("a paper bill is mailed each month"),
  emailBilling: z.boolean().describe("each new invoice is e-mailed with the PDF attached"),
  emailTo: z.array(z.string()),
});
export const BillingPreferencesUpdate = z.strictObject({
  paperBilling: z.boolean().optional(),
  emailBilling: z.boolean().optional(),
  emailTo: z
    .array(z.email("must be an e-mail address such as ap@example.com").trim().toLowerCase().max(254))
    .max(10, "at most 10 addresses")
    .optional(),
});
