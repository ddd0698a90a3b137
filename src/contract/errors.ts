import { z } from "zod";

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
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorDetail = z.object({
  path: z.string().describe("Dotted path of the offending field, e.g. `password` or `dependents.0.ssn`"),
  message: z.string(),
});
export type ErrorDetail = z.infer<typeof ErrorDetail>;

/** The one error shape of the API: `{ "error": { "code", "message", "details"? } }`. */
export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    details: z.array(ErrorDetail).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
