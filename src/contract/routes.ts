import type { FileHandle } from "node:fs/promises";
import { z } from "zod";
import type { Feature } from "./common.js";
import * as auth from "./auth.js";
import * as sandbox from "./sandbox.js";
import * as users from "./users.js";
import * as members from "./members.js";
import * as imports from "./imports.js";
import * as billing from "./billing.js";
import * as payments from "./payments.js";
import * as reports from "./reports.js";

/**
 * Who may call a route:
 * - `public`: anyone (registration, login, refresh, logout, health);
 * - `user`: any authenticated caller;
 * - a feature: an authenticated caller holding that feature (scope is checked per object by the service).
 */
export type Access = "public" | "user" | { feature: Feature };

export interface RouteDef {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Fastify-style path, e.g. `/v1/members/:memberId`. */
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  /** Exists only when the portal runs with --demo or --sandbox. */
  sandboxOnly?: boolean;
  /** Moves money: the request must carry an `Idempotency-Key` header (replays answer the stored response). */
  idempotent?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A larger request body than the portal's default (1 MiB), for batch routes. */
  bodyLimit?: number;
  status: 200 | 201 | 202 | 204;
  response: z.ZodType;
  /**
   * The success response is a file streamed as is (not JSON): the handler returns a `RawFile`. Errors
   * keep the JSON error shape.
   */
  raw?: boolean;
}

/** What a `raw` route's handler returns: an open file to send and how to describe it. */
export interface RawFile {
  /** Sent from its start, then closed by the portal. */
  file: FileHandle;
  size: number;
  contentType: string;
  headers: Record<string, string>;
}

const define = <const R extends RouteDef>(r: R): R => r;

/** Every route of the portal API. The portal must implement each one; the client calls them by name. */
export const routes = {
  health: define({
    method: "GET",
    path: "/v1/health",
    summary: "Liveness and version",
    tags: ["meta"],
    access: "public",
    status: 200,
    response: sandbox.Health,
  }),
  register: define({
    method: "POST",
    path: "/v1/auth/register",
    summary: "Register an account with the e-mailed registration key",
    tags: ["auth"],
    access: "public",
    body: auth.RegisterRequest,
    status: 201,
    response: auth.RegisterResponse,
  }),
  login: define({
    method: "POST",
    path: "/v1/auth/login",
    summary: "Exchange username and password for an access token and a refresh token",
    tags: ["auth"],
    access: "public",
    body: auth.LoginRequest,
    status: 200,
    response: auth.TokenPair,
  }),
  refresh: define({
    method: "POST",
    path: "/v1/auth/refresh",
    summary: "Rotate the refresh token; reuse of a rotated token revokes the whole session",
    tags: ["auth"],
    access: "public",
    body: auth.RefreshRequest,
    status: 200,
    response: auth.TokenPair,
  }),
  logout: define({
    method: "POST",
    path: "/v1/auth/logout",
    summary: "Revoke the session the refresh token belongs to",
    tags: ["auth"],
    access: "public",
    body: auth.LogoutRequest,
    status: 200,
    response: auth.LogoutResponse,
  }),
  whoami: define({
    method: "GET",
    path: "/v1/me",
    summary: "The caller: user, employer, features, scope and credential",
    tags: ["auth"],
    access: "user",
    status: 200,
    response: auth.WhoAmI,
  }),
  userList: define({
    method: "GET",
    path: "/v1/users",
    summary: "Users the caller may manage (all of the employer's for administrators)",
    tags: ["users"],
    access: { feature: "users.manage" },
    status: 200,
    response: users.UserList,
  }),
  userCreate: define({
    method: "POST",
    path: "/v1/users",
    summary: "Create a secondary administrator, group administrator or delegate; e-mails a registration key",
    tags: ["users"],
    access: { feature: "users.manage" },
    body: users.UserCreateRequest,
    status: 201,
    response: users.User,
  }),
  userShow: define({
    method: "GET",
    path: "/v1/users/:userId",
    summary: "One user (yourself with `me`, or a user you manage)",
    tags: ["users"],
    access: "user",
    params: users.UserIdParams,
    status: 200,
    response: users.User,
  }),
  userUpdate: define({
    method: "PATCH",
    path: "/v1/users/:userId",
    summary: "Change your own name, e-mail or phone; managers also change features and scope",
    tags: ["users"],
    access: "user",
    params: users.UserIdParams,
    body: users.UserUpdateRequest,
    status: 200,
    response: users.User,
  }),
  userDisable: define({
    method: "POST",
    path: "/v1/users/:userId/disable",
    summary: "Disable a user: their sessions and API tokens stop working at once",
    tags: ["users"],
    access: { feature: "users.manage" },
    params: users.UserIdParams,
    status: 200,
    response: users.User,
  }),
  userEnable: define({
    method: "POST",
    path: "/v1/users/:userId/enable",
    summary: "Enable a disabled user (they sign in again)",
    tags: ["users"],
    access: { feature: "users.manage" },
    params: users.UserIdParams,
    status: 200,
    response: users.User,
  }),
  userReissueKey: define({
    method: "POST",
    path: "/v1/users/:userId/registration-key",
    summary: "Re-issue the registration key of a user who has not registered (older keys stop working)",
    tags: ["users"],
    access: { feature: "users.manage" },
    params: users.UserIdParams,
    status: 200,
    response: users.RegistrationKeyIssued,
  }),
  notificationsShow: define({
    method: "GET",
    path: "/v1/users/:userId/notifications",
    summary: "E-mail notification preferences (yours with `me`, or a user you manage)",
    tags: ["users"],
    access: "user",
    params: users.UserIdParams,
    status: 200,
    response: users.NotificationPreferences,
  }),
  notificationsUpdate: define({
    method: "PATCH",
    path: "/v1/users/:userId/notifications",
    summary: "Turn e-mail notifications on or off",
    tags: ["users"],
    access: "user",
    params: users.UserIdParams,
    body: users.NotificationUpdate,
    status: 200,
    response: users.NotificationPreferences,
  }),
  tokenCreate: define({
    method: "POST",
    path: "/v1/auth/tokens",
    summary: "Create a named API token for automation with a subset of your features (shown once)",
    tags: ["auth"],
    access: "user",
    body: users.ApiTokenCreateRequest,
    status: 201,
    response: users.ApiTokenCreated,
  }),
  tokenList: define({
    method: "GET",
    path: "/v1/auth/tokens",
    summary: "Your API tokens (never the token values)",
    tags: ["auth"],
    access: "user",
    status: 200,
    response: users.ApiTokenList,
  }),
  tokenRevoke: define({
    method: "DELETE",
    path: "/v1/auth/tokens/:tokenId",
    summary: "Revoke one of your API tokens",
    tags: ["auth"],
    access: "user",
    params: users.ApiTokenIdParams,
    status: 200,
    response: users.ApiToken,
  }),
  auditList: define({
    method: "GET",
    path: "/v1/audit",
    summary: "The audit log: who did what, when, to which object, through which token (administrators)",
    tags: ["audit"],
    access: { feature: "users.manage" },
    query: users.AuditQuery,
    status: 200,
    response: users.AuditList,
  }),
  outbox: define({
    method: "GET",
    path: "/v1/sandbox/outbox",
    summary: "E-mails the portal wrote to its outbox (sandbox only)",
    tags: ["sandbox"],
    access: "public",
    sandboxOnly: true,
    query: sandbox.OutboxQuery,
    status: 200,
    response: sandbox.OutboxList,
  }),
  clockShow: define({
    method: "GET",
    path: "/v1/sandbox/clock",
    summary: "The sandbox clock",
    tags: ["sandbox"],
    access: "public",
    sandboxOnly: true,
    status: 200,
    response: sandbox.ClockState,
  }),
  clockAdvance: define({
    method: "POST",
    path: "/v1/sandbox/clock/advance",
    summary: "Move the sandbox clock forward and run what fell due",
    tags: ["sandbox"],
    access: "public",
    sandboxOnly: true,
    body: sandbox.ClockAdvanceRequest,
    status: 200,
    response: sandbox.ClockState,
  }),
  // ------------------------------------------------------------ catalog (anyone signed in)
  planList: define({
    method: "GET",
    path: "/v1/plans",
    summary:
      "Plans of the employer with their monthly rates per tier, optionally only those offered to a group",
    tags: ["enrollment"],
    access: "user",
    query: members.PlanListQuery,
    status: 200,
    response: members.PlanList,
  }),
  providerSearch: define({
    method: "GET",
    path: "/v1/providers",
    summary:
      "Search the provider directory (PCPs) by ZIP, last-name prefix, plan network, accepting new patients",
    tags: ["enrollment"],
    access: "user",
    query: members.ProviderSearchQuery,
    status: 200,
    response: members.ProviderList,
  }),
  groupList: define({
    method: "GET",
    path: "/v1/groups",
    summary: "Groups (with subgroups and offered plans) the caller may act on",
    tags: ["enrollment"],
    access: "user",
    status: 200,
    response: members.GroupList,
  }),
  locationList: define({
    method: "GET",
    path: "/v1/locations",
    summary: "Locations the caller may act on",
    tags: ["enrollment"],
    access: "user",
    status: 200,
    response: members.LocationList,
  }),

  // ------------------------------------------------------------ members
  memberEnroll: define({
    method: "POST",
    path: "/v1/members",
    summary: "Enroll a subscriber with dependents; the tier and premium follow from who is covered",
    tags: ["members"],
    access: { feature: "enrollment.edit" },
    body: members.EnrollRequest,
    status: 201,
    response: members.MemberDetail,
  }),
  memberSearch: define({
    method: "POST",
    path: "/v1/members/search",
    summary: "Search members (POST so SSNs never appear in URLs); cursor-paginated",
    tags: ["members"],
    access: { feature: "enrollment.view" },
    body: members.MemberSearchRequest,
    status: 200,
    response: members.MemberSearchResponse,
  }),
  memberGet: define({
    method: "GET",
    path: "/v1/members/:memberId",
    summary: "A member with dependents, coverage, PCPs, COBRA, status and dates (SSNs masked)",
    tags: ["members"],
    access: { feature: "enrollment.view" },
    params: members.MemberParams,
    status: 200,
    response: members.MemberDetail,
  }),
  memberUpdate: define({
    method: "PATCH",
    path: "/v1/members/:memberId",
    summary: "Update the subscriber's names, marital status, contact information, address, employment status",
    tags: ["members"],
    access: { feature: "enrollment.edit" },
    params: members.MemberParams,
    body: members.MemberUpdateRequest,
    status: 200,
    response: members.MemberDetail,
  }),
  memberPlanChange: define({
    method: "POST",
    path: "/v1/members/:memberId/plan",
    summary: "Change the plan from an effective date (first of a month)",
    tags: ["members"],
    access: { feature: "enrollment.edit" },
    params: members.MemberParams,
    body: members.PlanChangeRequest,
    status: 200,
    response: members.MemberDetail,
  }),
  memberPcpChange: define({
    method: "POST",
    path: "/v1/members/:memberId/pcp",
    summary: "Change one person's PCP (HMO plans only)",
    tags: ["members"],
    access: { feature: "enrollment.edit" },
    params: members.MemberParams,
    body: members.PcpChangeRequest,
    status: 200,
    response: members.MemberDetail,
  }),
  dependentAdd: define({
    method: "POST",
    path: "/v1/members/:memberId/dependents",
    summary: "Add a dependent",
    tags: ["members"],
    access: { feature: "enrollment.edit" },
    params: members.MemberParams,
    body: members.DependentAddRequest,
    status: 201,
    response: members.MemberDetail,
  }),
  dependentUpdate: define({
    method: "PATCH",
    path: "/v1/members/:memberId/dependents/:personId",
    summary: "Update a dependent's names, marital status, contact information, address, disability, SSN",
    tags: ["members"],
    access: { feature: "enrollment.edit" },
    params: members.DependentParams,
    body: members.DependentUpdateRequest,
    status: 200,
    response: members.MemberDetail,
  }),
  dependentRemove: define({
    method: "POST",
    path: "/v1/members/:memberId/dependents/:personId/remove",
    summary: "End a dependent's coverage at the end of a month (the member stays covered)",
    tags: ["members"],
    access: { feature: "enrollment.edit" },
    params: members.DependentParams,
    body: members.DependentRemoveRequest,
    status: 200,
    response: members.MemberDetail,
  }),
  memberCancelPreview: define({
    method: "POST",
    path: "/v1/members/:memberId/cancel/preview",
    summary:
      "What a cancellation would end (people, plan, premium change), checked by the same rules; changes nothing",
    tags: ["members"],
    access: { feature: "enrollment.cancel" },
    params: members.MemberParams,
    body: members.CancelRequest,
    status: 200,
    response: members.CancelPreview,
  }),
  memberCancel: define({
    method: "POST",
    path: "/v1/members/:memberId/cancel",
    summary: "Terminate coverage at the end of a month; dependents end with the subscriber",
    tags: ["members"],
    access: { feature: "enrollment.cancel" },
    params: members.MemberParams,
    body: members.CancelRequest,
    status: 200,
    response: members.CancelResponse,
  }),
  memberReinstate: define({
    method: "POST",
    path: "/v1/members/:memberId/reinstate",
    summary:
      "Undo a cancellation within 60 days after the termination date: same people, plan and PCPs, no gap",
    tags: ["members"],
    // Reinstating reverses a cancellation, so it takes the same right as cancelling.
    access: { feature: "enrollment.cancel" },
    params: members.MemberParams,
    body: members.ReinstateRequest,
    status: 200,
    response: members.MemberDetail,
  }),
  memberCobra: define({
    method: "POST",
    path: "/v1/members/:memberId/cobra",
    summary:
      "Move people to COBRA after a qualifying event. Employee events (termination-of-employment, reduced-hours, " +
      "disability-extension) and death/medicare need the member's coverage cancelled first; divorce, " +
      "legal-separation and dependent-ineligible end that dependent's coverage at the end of the event's month",
    tags: ["members"],
    access: { feature: "enrollment.edit" },
    params: members.MemberParams,
    body: members.CobraRequest,
    status: 200,
    response: members.CobraResponse,
  }),
  memberHistory: define({
    method: "GET",
    path: "/v1/members/:memberId/history",
    summary: "Every enrollment transaction of the member, oldest first, with who made it",
    tags: ["members"],
    access: { feature: "enrollment.view" },
    params: members.MemberParams,
    status: 200,
    response: members.MemberHistory,
  }),
  memberRevealSsn: define({
    method: "POST",
    path: "/v1/members/:memberId/ssn/reveal",
    summary: "The member's SSNs in full; writes an audit event",
    tags: ["members"],
    access: { feature: "enrollment.edit" },
    params: members.MemberParams,
    status: 200,
    response: members.SsnReveal,
  }),
  memberExport: define({
    method: "POST",
    path: "/v1/members/export",
    summary:
      "The roster in the caller's scope (or the members changed since a day), full details, in pages; for `member export`",
    tags: ["members", "imports"],
    access: { feature: "enrollment.view" },
    body: imports.MemberExportRequest,
    status: 200,
    response: imports.MemberExportResponse,
  }),
  importPlan: define({
    method: "POST",
    path: "/v1/imports/plan",
    summary:
      "What a batch of import operations would do (add, change with field diffs, terminate, unchanged, failed), " +
      "by the same rules as applying it; writes nothing",
    tags: ["imports"],
    access: { feature: "enrollment.edit" },
    body: imports.ImportPlanRequest,
    bodyLimit: 16 * 1024 * 1024,
    status: 200,
    response: imports.ImportPlanResponse,
  }),
  importJobCreate: define({
    method: "POST",
    path: "/v1/imports",
    summary: "Start an import job for a file (its hash identifies it); batches are applied to the job",
    tags: ["imports"],
    access: { feature: "enrollment.edit" },
    body: imports.ImportJobCreateRequest,
    status: 201,
    response: imports.ImportJob,
  }),
  importJobGet: define({
    method: "GET",
    path: "/v1/imports/:jobId",
    summary: "An import job with its counts (its creator and the employer's administrators)",
    tags: ["imports"],
    access: { feature: "enrollment.edit" },
    params: imports.ImportJobParams,
    status: 200,
    response: imports.ImportJob,
  }),
  importJobRows: define({
    method: "GET",
    path: "/v1/imports/:jobId/rows",
    summary: "The stored result of every operation of an import job, in order, paged",
    tags: ["imports"],
    access: { feature: "enrollment.edit" },
    params: imports.ImportJobParams,
    query: imports.ImportRowsQuery,
    status: 200,
    response: imports.ImportRowsResponse,
  }),
  importBatch: define({
    method: "POST",
    path: "/v1/imports/:jobId/batches",
    summary:
      "Apply up to 4,000 operations in one transaction, each all or nothing with its own result, through the same rules, " +
      "features and scope as the single-member routes. Replaying a key (or an operation already applied) returns " +
      "the stored results and changes nothing twice",
    tags: ["imports"],
    access: { feature: "enrollment.edit" },
    params: imports.ImportJobParams,
    body: imports.ImportBatchRequest,
    bodyLimit: 16 * 1024 * 1024,
    status: 200,
    response: imports.ImportBatchResponse,
  }),
  // ------------------------------------------------------------ billing
  invoiceList: define({
    method: "GET",
    path: "/v1/invoices",
    summary: "Invoices of the groups in the caller's scope, newest first; filter by status or group",
    tags: ["billing"],
    access: { feature: "billing.view" },
    query: billing.InvoiceListQuery,
    status: 200,
    response: billing.InvoiceList,
  }),
  invoiceCurrent: define({
    method: "GET",
    path: "/v1/invoices/current",
    summary:
      "The group's latest invoice with totals, adjustments, pending adjustments and amount-due requests",
    tags: ["billing"],
    access: { feature: "billing.view" },
    query: billing.InvoiceCurrentQuery,
    status: 200,
    response: billing.InvoiceDetail,
  }),
  invoiceGet: define({
    method: "GET",
    path: "/v1/invoices/:invoiceId",
    summary: "An invoice with totals, adjustments, pending adjustments, payments and amount-due requests",
    tags: ["billing"],
    access: { feature: "billing.view" },
    params: billing.InvoiceParams,
    status: 200,
    response: billing.InvoiceDetail,
  }),
  invoiceLines: define({
    method: "GET",
    path: "/v1/invoices/:invoiceId/lines",
    summary: "The invoice's lines (one per subscriber) in name order; cursor-paginated, filterable",
    tags: ["billing"],
    access: { feature: "billing.view" },
    params: billing.InvoiceParams,
    query: billing.InvoiceLinesQuery,
    status: 200,
    response: billing.InvoiceLines,
  }),
  invoiceAdjustTerminate: define({
    method: "POST",
    path: "/v1/invoices/:invoiceId/adjustments/terminate",
    summary:
      "Roster adjustment: cancel a member of the invoice's group (same rules as cancel) and show the pending adjustment",
    tags: ["billing"],
    access: { feature: "enrollment.cancel" },
    params: billing.InvoiceParams,
    body: billing.AdjustTerminateRequest,
    status: 200,
    response: billing.AdjustResponse,
  }),
  invoiceAdjustAdd: define({
    method: "POST",
    path: "/v1/invoices/:invoiceId/adjustments/add",
    summary:
      "Roster adjustment: enroll a member in the invoice's group (same rules as enroll) and show the pending adjustment",
    tags: ["billing"],
    access: { feature: "enrollment.edit" },
    params: billing.InvoiceParams,
    body: billing.AdjustAddRequest,
    status: 200,
    response: billing.AdjustResponse,
  }),
  amountDueRequest: define({
    method: "POST",
    path: "/v1/invoices/:invoiceId/amount-due-requests",
    summary:
      "Propose another amount due (total or one line) with a reason; pending_verification until the portal checks it against the roster",
    tags: ["billing"],
    access: { feature: "billing.manage" },
    params: billing.InvoiceParams,
    body: billing.AmountDueRequestCreate,
    status: 202,
    response: billing.AmountDueRequestView,
  }),
  billingPreferencesShow: define({
    method: "GET",
    path: "/v1/billing/preferences/:groupNumber",
    summary: "A group's billing preferences: paper bills, e-mailed bills and their recipients",
    tags: ["billing"],
    access: { feature: "billing.view" },
    params: billing.BillingPreferencesParams,
    status: 200,
    response: billing.BillingPreferences,
  }),
  billingPreferencesUpdate: define({
    method: "PATCH",
    path: "/v1/billing/preferences/:groupNumber",
    summary: "Turn paper or e-mailed bills on or off and set who gets them",
    tags: ["billing"],
    access: { feature: "billing.manage" },
    params: billing.BillingPreferencesParams,
    body: billing.BillingPreferencesUpdate,
    status: 200,
    response: billing.BillingPreferences,
  }),
  // ------------------------------------------------------------ payments
  paymentMethodList: define({
    method: "GET",
    path: "/v1/payment-methods",
    summary: "The bank accounts of the groups you see (account numbers masked: ••••1234)",
    tags: ["payments"],
    access: { feature: "billing.view" },
    query: payments.PaymentMethodListQuery,
    status: 200,
    response: payments.PaymentMethodList,
  }),
  paymentMethodCreate: define({
    method: "POST",
    path: "/v1/payment-methods",
    summary:
      "Add a bank account (ABA-checked routing number, account number encrypted at rest) with a nickname",
    tags: ["payments"],
    access: { feature: "billing.manage" },
    body: payments.PaymentMethodCreate,
    status: 201,
    response: payments.PaymentMethod,
  }),
  paymentMethodUpdate: define({
    method: "PATCH",
    path: "/v1/payment-methods/:methodId",
    summary: "Rename a bank account (its nickname)",
    tags: ["payments"],
    access: { feature: "billing.manage" },
    params: payments.PaymentMethodParams,
    body: payments.PaymentMethodUpdate,
    status: 200,
    response: payments.PaymentMethod,
  }),
  paymentMethodRemove: define({
    method: "DELETE",
    path: "/v1/payment-methods/:methodId",
    summary: "Remove a bank account; refused while a scheduled payment or an active schedule uses it",
    tags: ["payments"],
    access: { feature: "billing.manage" },
    params: payments.PaymentMethodParams,
    status: 200,
    response: payments.PaymentMethodRemoved,
  }),
  paymentCreate: define({
    method: "POST",
    path: "/v1/payments",
    summary:
      "Pay an invoice today or on a date, split across accounts (one allocation may take the rest). Needs an Idempotency-Key",
    tags: ["payments"],
    access: { feature: "billing.pay" },
    idempotent: true,
    body: payments.PaymentCreate,
    status: 201,
    response: payments.PaymentBatch,
  }),
  paymentList: define({
    method: "GET",
    path: "/v1/payments",
    summary: "Payments of the groups you see, newest first",
    tags: ["payments"],
    access: { feature: "billing.view" },
    query: payments.PaymentListQuery,
    status: 200,
    response: payments.PaymentList,
  }),
  paymentGet: define({
    method: "GET",
    path: "/v1/payments/:paymentId",
    summary: "A payment with its status (and ACH return code and meaning when returned)",
    tags: ["payments"],
    access: { feature: "billing.view" },
    params: payments.PaymentParams,
    status: 200,
    response: payments.Payment,
  }),
  paymentCancel: define({
    method: "POST",
    path: "/v1/payments/:paymentId/cancel",
    summary: "Cancel a payment; only while it is scheduled",
    tags: ["payments"],
    access: { feature: "billing.pay" },
    params: payments.PaymentParams,
    status: 200,
    response: payments.Payment,
  }),
  scheduleList: define({
    method: "GET",
    path: "/v1/payment-schedules",
    summary: "Recurring payments of the groups you see",
    tags: ["payments"],
    access: { feature: "billing.view" },
    query: payments.ScheduleListQuery,
    status: 200,
    response: payments.ScheduleList,
  }),
  scheduleCreate: define({
    method: "POST",
    path: "/v1/payment-schedules",
    summary:
      "Pay the group's open invoice every month on a day (1-28) with fixed amounts and/or the rest. Needs an Idempotency-Key",
    tags: ["payments"],
    access: { feature: "billing.manage" },
    idempotent: true,
    body: payments.ScheduleCreate,
    status: 201,
    response: payments.Schedule,
  }),
  scheduleUpdate: define({
    method: "PATCH",
    path: "/v1/payment-schedules/:scheduleId",
    summary: "Change a schedule's day, allocations, start or end",
    tags: ["payments"],
    access: { feature: "billing.manage" },
    params: payments.ScheduleParams,
    body: payments.ScheduleUpdate,
    status: 200,
    response: payments.Schedule,
  }),
  schedulePause: define({
    method: "POST",
    path: "/v1/payment-schedules/:scheduleId/pause",
    summary: "Pause a schedule (no payments until resumed)",
    tags: ["payments"],
    access: { feature: "billing.manage" },
    params: payments.ScheduleParams,
    status: 200,
    response: payments.Schedule,
  }),
  scheduleResume: define({
    method: "POST",
    path: "/v1/payment-schedules/:scheduleId/resume",
    summary: "Resume a paused schedule from its next day of the month",
    tags: ["payments"],
    access: { feature: "billing.manage" },
    params: payments.ScheduleParams,
    status: 200,
    response: payments.Schedule,
  }),
  scheduleCancel: define({
    method: "POST",
    path: "/v1/payment-schedules/:scheduleId/cancel",
    summary: "Cancel a schedule for good (payments it already made stay)",
    tags: ["payments"],
    access: { feature: "billing.manage" },
    params: payments.ScheduleParams,
    status: 200,
    response: payments.Schedule,
  }),
  reportTypes: define({
    method: "GET",
    path: "/v1/reports/types",
    summary: "The report catalogue: each type's period, filters and columns",
    tags: ["reports"],
    access: { feature: "reports.run" },
    status: 200,
    response: reports.ReportTypeList,
  }),
  reportRequest: define({
    method: "POST",
    path: "/v1/reports",
    summary: "Request a report; it runs in the background (queued → running → ready | failed)",
    tags: ["reports"],
    access: { feature: "reports.run" },
    body: reports.ReportRequest,
    status: 202,
    response: reports.Report,
  }),
  reportList: define({
    method: "GET",
    path: "/v1/reports",
    summary: "The caller's reports, newest first",
    tags: ["reports"],
    access: { feature: "reports.run" },
    query: reports.ReportListQuery,
    status: 200,
    response: reports.ReportList,
  }),
  reportGet: define({
    method: "GET",
    path: "/v1/reports/:reportId",
    summary: "One of the caller's reports: status, size, row count, expiry",
    tags: ["reports"],
    access: { feature: "reports.run" },
    params: reports.ReportParams,
    status: 200,
    response: reports.Report,
  }),
  reportDownload: define({
    method: "GET",
    path: "/v1/reports/:reportId/file",
    summary: "Download a ready report (size in content-length, SHA-256 in x-report-sha256)",
    tags: ["reports"],
    access: { feature: "reports.run" },
    params: reports.ReportParams,
    status: 200,
    response: reports.ReportFile,
    raw: true,
  }),
  reportScheduleCreate: define({
    method: "POST",
    path: "/v1/report-schedules",
    summary: "Create a recurring report (monthly on day N or weekly on a weekday)",
    tags: ["reports"],
    access: { feature: "reports.run" },
    body: reports.ScheduleCreate,
    status: 201,
    response: reports.Schedule,
  }),
  reportScheduleList: define({
    method: "GET",
    path: "/v1/report-schedules",
    summary: "The caller's recurring reports",
    tags: ["reports"],
    access: { feature: "reports.run" },
    status: 200,
    response: reports.ScheduleList,
  }),
  reportScheduleUpdate: define({
    method: "PATCH",
    path: "/v1/report-schedules/:schedule",
    summary: "Change any criterion of a recurring report",
    tags: ["reports"],
    access: { feature: "reports.run" },
    params: reports.ScheduleParams,
    body: reports.ScheduleUpdate,
    status: 200,
    response: reports.Schedule,
  }),
  reportScheduleDelete: define({
    method: "DELETE",
    path: "/v1/report-schedules/:schedule",
    summary: "Delete a recurring report (reports it already made stay until they expire)",
    tags: ["reports"],
    access: { feature: "reports.run" },
    params: reports.ScheduleParams,
    status: 200,
    response: reports.ScheduleDeleted,
  }),
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
type In<T> = T extends z.ZodType ? z.input<T> : undefined;

/** What the client sends for a route (inputs before parsing: the portal parses). */
export type RouteInput<N extends RouteName> = {
  params: In<Routes[N] extends { params: infer P } ? P : undefined>;
  query: In<Routes[N] extends { query: infer Q } ? Q : undefined>;
  body: In<Routes[N] extends { body: infer B } ? B : undefined>;
};
/** What the portal receives after validation. */
export type RouteParsed<N extends RouteName> = {
  params: Out<Routes[N] extends { params: infer P } ? P : undefined>;
  query: Out<Routes[N] extends { query: infer Q } ? Q : undefined>;
  body: Out<Routes[N] extends { body: infer B } ? B : undefined>;
};
export type RouteOutput<N extends RouteName> = Routes[N] extends { raw: true }
  ? RawFile
  : z.output<Routes[N]["response"]>;
