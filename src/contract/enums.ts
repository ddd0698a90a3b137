/**
 * Every enumeration of the contract as a plain constant, without zod: the CLI reads these at start-up
 * (flag options), and importing zod there would cost ~80 ms per command. The schemas build on them.
 */

// billing.ts
export const INVOICE_STATUSES = ["open", "partially_paid", "paid", "past_due", "closed"] as const;

export const AMOUNT_DUE_STATUSES = ["pending_verification", "accepted", "rejected"] as const;

export const LINE_STATUSES = ["active", "terminated", "cobra"] as const;

// common.ts
/** Every grantable permission (DOMAIN.md, Accounts and access). */
export const FEATURES = [
  "enrollment.view",
  "enrollment.edit",
  "enrollment.cancel",
  "billing.view",
  "billing.pay",
  "billing.manage",
  "reports.run",
  "users.manage",
] as const;

export const ROLES = ["primary-admin", "secondary-admin", "group-admin", "delegate"] as const;

// errors.ts
/** Error codes the API answers with. The CLI maps the HTTP status to an exit code. */
export const ERROR_CODES = [
  "bad_request",
  "bad_json",
  "validation_failed",
  "unauthorized",
  "token_expired",
  "invalid_credentials",
  "account_locked",
  "account_disabled",
  "forbidden",
  "not_found",
  "route_not_found",
  "conflict",
  "version_conflict",
  "duplicate_ssn",
  "duplicate_employee_number",
  "member_not_active",
  "invoice_closed",
  "invoice_paid",
  "idempotency_key_required",
  "idempotency_key_reused",
  "idempotency_in_progress",
  "nickname_taken",
  "duplicate_account",
  "payment_method_in_use",
  "payment_not_cancellable",
  "username_taken",
  "registration_key_invalid",
  "registration_key_expired",
  "registration_key_used",
  "registration_mismatch",
  "unprocessable",
  "idempotency_mismatch",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "internal",
  "unavailable",
] as const;

// imports.ts
export const IMPORT_ACTIONS = ["upsert", "add", "change", "terminate"] as const;

export const IMPORT_OUTCOMES = ["added", "changed", "unchanged", "terminated", "failed"] as const;

/** Operations (members) in one import batch request: one write transaction, ~1 s of write lock. */
export const MAX_BATCH_OPERATIONS = 4000;

// members.ts
export const COVERAGE_TIERS = ["EE", "ES", "EC", "EF"] as const;

export const PLAN_TYPES = ["HMO", "PPO", "EPO", "HDHP"] as const;

export const SEXES = ["F", "M", "U"] as const;

export const MARITAL_STATUSES = [
  "single",
  "married",
  "domestic-partner",
  "divorced",
  "separated",
  "legally-separated",
  "widowed",
  "unreported",
] as const;

export const DEPENDENT_RELATIONSHIPS = [
  "spouse",
  "domestic-partner",
  "child",
  "stepchild",
  "adopted-child",
  "foster-child",
] as const;

export const EMPLOYMENT_STATUSES = [
  "full-time",
  "part-time",
  "leave-of-absence",
  "retired",
  "terminated",
] as const;

export const MEMBER_STATUSES = ["active", "terminated", "cobra"] as const;

export const PERSON_STATUSES = ["active", "removed", "terminated", "cobra"] as const;

export const CANCEL_REASONS = [
  "termination-of-employment",
  "voluntary",
  "death",
  "divorce",
  "ineligible",
  "non-payment",
  "other",
] as const;

export const COBRA_EVENTS = [
  "termination-of-employment",
  "reduced-hours",
  "death",
  "divorce",
  "legal-separation",
  "medicare",
  "dependent-ineligible",
  "disability-extension",
] as const;

export const TRANSACTION_TYPES = ["addition", "change", "termination", "reinstatement", "cobra"] as const;

// payments.ts
export const ACCOUNT_TYPES = ["checking", "savings"] as const;

export const PAYMENT_STATUSES = ["scheduled", "processing", "settled", "returned", "cancelled"] as const;

export const SCHEDULE_STATUSES = ["active", "paused", "cancelled", "ended"] as const;

// reports.ts
export const REPORT_TYPES = [
  "enrollment-roster",
  "dependents-roster",
  "membership-changes",
  "cobra-roster",
  "billing-history",
  "payment-history",
  "premium-by-group",
] as const;

export const REPORT_FORMATS = ["csv", "json", "pdf"] as const;

export const REPORT_STATUSES = ["queued", "running", "ready", "failed", "expired"] as const;

export const WEEKDAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;

export const RELATIVE_PERIODS = ["previous-month", "month-to-date", "as-of-run-date"] as const;
