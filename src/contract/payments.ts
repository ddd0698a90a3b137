import { z } from "zod";
import { GroupNumber, IsoDate, Timestamp } from "./common.js";
import { MAX_CENTS } from "./money.js";
import { InvoiceId } from "./billing.js";

/*
 * Payments: bank accounts (payment methods) per group, one-time and split payments of an invoice, recurring
 * schedules. Money is integer cents. IDs: `pm_…` methods, `pay_…` payments (one ACH debit from one account),
 * `pys_…` schedules. A split payment is one request that creates one payment per account, sharing a `batchId`.
 * Account numbers travel only in the body of `paymentMethodCreate`; every response masks them (`••••1234`).
 */

import { abaChecksumOk } from "./aba.js";
import { ACCOUNT_TYPES, PAYMENT_STATUSES, SCHEDULE_STATUSES } from "./enums.js";
export { ACCOUNT_TYPES, PAYMENT_STATUSES, SCHEDULE_STATUSES } from "./enums.js";

export { abaChecksumOk };

export const RoutingNumber = z
  .string()
  .trim()
  .regex(/^\d{9}$/, "must be 9 digits (the ABA routing number printed on a check)")
  .refine(abaChecksumOk, "fails the ABA checksum: check the digits (e.g. 011000015 is valid)");
export const AccountNumber = z
  .string()
  .trim()
  .regex(/^\d{4,17}$/, "must be 4 to 17 digits, nothing else");
export const Nickname = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/,
    "must be 1-32 letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. operating)",
  );
export const AccountType = z.enum(ACCOUNT_TYPES);

export const PaymentMethodId = z
  .string()
  .trim()
  .regex(
    /^pm_[a-z0-9]{1,64}$/,
    "must be a payment method ID like pm_0123… (see `hnctl payment-method list`)",
  );
export const PaymentId = z
  .string()
  .trim()
  .regex(/^pay_[a-z0-9]{1,64}$/, "must be a payment ID like pay_0123… (see `hnctl payment list`)");
export const ScheduleId = z
  .string()
  .trim()
  .regex(/^pys_[a-z0-9]{1,64}$/, "must be a schedule ID like pys_0123… (see `hnctl bill schedule list`)");

export const PaymentMethod = z.object({
  id: z.string(),
  groupNumber: z.string(),
  nickname: z.string(),
  routingNumber: z.string(),
  accountMasked: z.string().describe("the last four digits only, e.g. ••••1234"),
  type: AccountType,
  createdAt: Timestamp,
});
export type PaymentMethod = z.infer<typeof PaymentMethod>;
export const PaymentMethodList = z.object({ paymentMethods: z.array(PaymentMethod) });
export const PaymentMethodListQuery = z.strictObject({ group: GroupNumber.optional() });
export const PaymentMethodParams = z.strictObject({ methodId: PaymentMethodId });
export const PaymentMethodCreate = z.strictObject({
  group: GroupNumber.optional().describe("the group whose bills the account pays; needed if you see several"),
  nickname: Nickname,
  routingNumber: RoutingNumber,
  accountNumber: AccountNumber,
  type: AccountType,
});
export const PaymentMethodUpdate = z.strictObject({ nickname: Nickname });
export const PaymentMethodRemoved = z.object({
  id: z.string(),
  nickname: z.string(),
  removed: z.literal(true),
});

const Cents = z.number().int().min(1, "must be more than 0").max(MAX_CENTS, "is too large");

/** One account and what it pays: a fixed amount, or (no amount) the rest of the amount due. */
export const Allocation = z.strictObject({
  method: Nickname.describe("the payment method's nickname"),
  amountCents: Cents.optional().describe("absent: the rest of the amount due (at most one such allocation)"),
});

export const PaymentStatus = z.enum(PAYMENT_STATUSES);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

/** ACH return codes the portal produces, with their meaning. */
export const ACH_RETURN_CODES = {
  R01: "insufficient funds",
  R02: "account closed",
  R03: "no account / unable to locate account",
  R04: "invalid account number",
  R16: "account frozen",
  R29: "corporate customer advises not authorized",
} as const;

export const Payment = z.object({
  id: z.string(),
  batchId: z.string().describe("payments created by one request (a split payment) share it"),
  invoiceId: z.string(),
  invoiceNumber: z.string(),
  groupNumber: z.string(),
  method: z.object({
    id: z.string(),
    nickname: z.string(),
    accountMasked: z.string(),
    type: AccountType,
  }),
  amountCents: z.number().int(),
  payDate: IsoDate.describe("the day the debit is sent"),
  status: PaymentStatus,
  settleDate: IsoDate.nullable().describe("set when processing starts: the next business day"),
  returnCode: z.string().nullable(),
  returnReason: z.string().nullable(),
  scheduleId: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Payment = z.infer<typeof Payment>;

export const PaymentCreate = z.strictObject({
  invoiceId: InvoiceId,
  allocations: z.array(Allocation).min(1, "name at least one account").max(10),
  date: IsoDate.optional().describe("the day to pay: today (default) up to a year ahead"),
  allowOverpay: z.boolean().default(false),
});
export const PaymentBatch = z.object({
  batchId: z.string(),
  invoiceId: z.string(),
  totalCents: z.number().int(),
  payments: z.array(Payment),
});
export const PaymentListQuery = z.strictObject({
  status: PaymentStatus.optional(),
  group: GroupNumber.optional(),
  invoice: InvoiceId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const PaymentList = z.object({ payments: z.array(Payment).describe("newest first") });
export const PaymentParams = z.strictObject({ paymentId: PaymentId });

export const ScheduleStatus = z.enum(SCHEDULE_STATUSES);
export const DayOfMonth = z
  .number()
  .int("must be a whole day")
  .min(1, "must be between 1 and 28 (every month has those days)")
  .max(28, "must be between 1 and 28 (every month has those days)");

export const Schedule = z.object({
  id: z.string(),
  groupNumber: z.string(),
  dayOfMonth: z.number().int(),
  allocations: z.array(
    z.object({
      method: z.string(),
      methodId: z.string(),
      accountMasked: z.string(),
      amountCents: z.number().int().nullable(),
    }),
  ),
  startDate: IsoDate,
  endDate: IsoDate.nullable(),
  status: ScheduleStatus,
  nextRunDate: IsoDate.nullable(),
  lastRunDate: IsoDate.nullable(),
  createdAt: Timestamp,
});
export type Schedule = z.infer<typeof Schedule>;
export const ScheduleCreate = z.strictObject({
  group: GroupNumber.optional(),
  dayOfMonth: DayOfMonth,
  allocations: z.array(Allocation).min(1, "name at least one account").max(10),
  startDate: IsoDate.optional().describe("default: today"),
  endDate: IsoDate.optional(),
});
export const ScheduleUpdate = z.strictObject({
  dayOfMonth: DayOfMonth.optional(),
  allocations: z.array(Allocation).min(1).max(10).optional(),
  startDate: IsoDate.optional(),
  endDate: IsoDate.nullable().optional(),
});
export const ScheduleParams = z.strictObject({ scheduleId: ScheduleId });
export const ScheduleListQuery = z.strictObject({ group: GroupNumber.optional() });
export const ScheduleList = z.object({ schedules: z.array(Schedule) });
