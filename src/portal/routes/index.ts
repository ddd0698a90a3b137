import type { OffsetClock } from "../clock.js";
import type { Scheduler } from "../jobs/scheduler.js";
import * as auth from "../services/auth.js";
import * as sandbox from "../services/sandbox.js";
import * as tokens from "../services/tokens.js";
import * as users from "../services/users.js";
import { listAudit } from "../services/audit-log.js";
import * as catalog from "../services/catalog.js";
import * as members from "../services/members.js";
import * as enrollment from "../services/enrollment.js";
import * as termination from "../services/termination.js";
import { startCobra } from "../services/cobra.js";
import * as imports from "../services/imports.js";
import * as billing from "../services/billing.js";
import * as payments from "../services/payments.js";
import * as reports from "../services/reports.js";
import type { ReportWorker } from "../jobs/report-worker.js";
import type { Handlers } from "./types.js";

/** HTTP ↔ services. Rules live in the services; this only passes the parsed input and the caller along. */
export function createHandlers(deps: {
  version: string;
  clock: OffsetClock;
  scheduler: Scheduler;
  reports: ReportWorker;
}): Handlers {
  return {
    health: async ({ ctx }) => ({ status: "ok", version: deps.version, sandbox: ctx.settings.sandbox }),
    register: ({ ctx, body }) => auth.register(ctx, body),
    login: ({ ctx, body }) => auth.login(ctx, body),
    refresh: ({ ctx, body }) => auth.refresh(ctx, body.refreshToken),
    logout: ({ ctx, body }) => auth.logout(ctx, body.refreshToken),
    whoami: ({ ctx, principal }) => auth.whoami(ctx, principal),
    userList: async ({ ctx, principal }) => ({ users: await users.listUsers(ctx, principal) }),
    userCreate: ({ ctx, principal, body }) => users.createUser(ctx, principal, body),
    userShow: ({ ctx, principal, params }) => users.showUser(ctx, principal, params.userId),
    userUpdate: ({ ctx, principal, params, body }) => users.updateUser(ctx, principal, params.userId, body),
    userDisable: ({ ctx, principal, params }) => users.setUserEnabled(ctx, principal, params.userId, false),
    userEnable: ({ ctx, principal, params }) => users.setUserEnabled(ctx, principal, params.userId, true),
    userReissueKey: ({ ctx, principal, params }) =>
      users.reissueRegistrationKey(ctx, principal, params.userId),
    notificationsShow: ({ ctx, principal, params }) => users.showNotifications(ctx, principal, params.userId),
    notificationsUpdate: ({ ctx, principal, params, body }) =>
      users.updateNotifications(ctx, principal, params.userId, body),
    tokenCreate: ({ ctx, principal, body }) => tokens.createToken(ctx, principal, body),
    tokenList: ({ ctx, principal }) => tokens.listTokens(ctx, principal),
    tokenRevoke: ({ ctx, principal, params }) => tokens.revokeToken(ctx, principal, params.tokenId),
    auditList: ({ ctx, principal, query }) => listAudit(ctx, principal, query),
    outbox: async ({ ctx, query }) => ({ messages: await sandbox.listOutbox(ctx, query) }),
    clockShow: async () => sandbox.clockState(deps.clock),
    clockAdvance: ({ ctx, body }) => sandbox.advanceClock(ctx, deps.clock, deps.scheduler, body.by),

    planList: ({ ctx, principal, query }) => catalog.listPlans(ctx, principal, query.group),
    providerSearch: ({ ctx, principal, query }) => catalog.searchProviders(ctx, principal, query),
    groupList: ({ ctx, principal }) => catalog.listGroups(ctx, principal),
    locationList: ({ ctx, principal }) => catalog.listLocations(ctx, principal),

    memberEnroll: ({ ctx, principal, body }) => enrollment.enroll(ctx, principal, body),
    memberSearch: ({ ctx, principal, body }) => members.searchMembers(ctx, principal, body),
    memberGet: ({ ctx, principal, params }) => members.getMember(ctx, principal, params.memberId),
    memberUpdate: ({ ctx, principal, params, body }) =>
      enrollment.updateMember(ctx, principal, params.memberId, body),
    memberPlanChange: ({ ctx, principal, params, body }) =>
      enrollment.changePlan(ctx, principal, params.memberId, body),
    memberPcpChange: ({ ctx, principal, params, body }) =>
      enrollment.changePcp(ctx, principal, params.memberId, body),
    dependentAdd: ({ ctx, principal, params, body }) =>
      enrollment.addDependent(ctx, principal, params.memberId, body),
    dependentUpdate: ({ ctx, principal, params, body }) =>
      enrollment.updateDependent(ctx, principal, params.memberId, params.personId, body),
    dependentRemove: ({ ctx, principal, params, body }) =>
      enrollment.removeDependent(ctx, principal, params.memberId, params.personId, body),
    memberCancelPreview: ({ ctx, principal, params, body }) =>
      termination.previewCancel(ctx, principal, params.memberId, body),
    memberCancel: ({ ctx, principal, params, body }) =>
      termination.cancelMember(ctx, principal, params.memberId, body),
    memberReinstate: ({ ctx, principal, params, body }) =>
      termination.reinstateMember(ctx, principal, params.memberId, body),
    memberCobra: ({ ctx, principal, params, body }) => startCobra(ctx, principal, params.memberId, body),
    memberHistory: ({ ctx, principal, params }) => members.memberHistory(ctx, principal, params.memberId),
    memberRevealSsn: ({ ctx, principal, params }) => members.revealSsns(ctx, principal, params.memberId),
    memberExport: ({ ctx, principal, body }) => imports.exportMembers(ctx, principal, body),

    importPlan: ({ ctx, principal, body }) => imports.planBatch(ctx, principal, body.operations),
    importJobCreate: ({ ctx, principal, body }) => imports.createJob(ctx, principal, body),
    importJobGet: ({ ctx, principal, params }) => imports.getJob(ctx, principal, params.jobId),
    importJobRows: ({ ctx, principal, params, query }) =>
      imports.jobRows(ctx, principal, params.jobId, query),
    importBatch: ({ ctx, principal, params, body }) => imports.applyBatch(ctx, principal, params.jobId, body),

    invoiceList: ({ ctx, principal, query }) => billing.listInvoices(ctx, principal, query),
    invoiceCurrent: ({ ctx, principal, query }) => billing.currentInvoice(ctx, principal, query.group),
    invoiceGet: ({ ctx, principal, params }) => billing.getInvoice(ctx, principal, params.invoiceId),
    invoiceLines: ({ ctx, principal, params, query }) =>
      billing.invoiceLines(ctx, principal, params.invoiceId, query),
    invoiceAdjustTerminate: ({ ctx, principal, params, body }) =>
      billing.adjustTerminate(ctx, principal, params.invoiceId, body),
    invoiceAdjustAdd: ({ ctx, principal, params, body }) =>
      billing.adjustAdd(ctx, principal, params.invoiceId, body),
    amountDueRequest: ({ ctx, principal, params, body }) =>
      billing.requestAmountDue(ctx, principal, params.invoiceId, body),
    billingPreferencesShow: ({ ctx, principal, params }) =>
      billing.showPreferences(ctx, principal, params.groupNumber),
    billingPreferencesUpdate: ({ ctx, principal, params, body }) =>
      billing.updatePreferences(ctx, principal, params.groupNumber, body),

    paymentMethodList: ({ ctx, principal, query }) => payments.listMethods(ctx, principal, query),
    paymentMethodCreate: ({ ctx, principal, body }) => payments.addMethod(ctx, principal, body),
    paymentMethodUpdate: ({ ctx, principal, params, body }) =>
      payments.renameMethod(ctx, principal, params.methodId, body),
    paymentMethodRemove: ({ ctx, principal, params }) =>
      payments.removeMethod(ctx, principal, params.methodId),
    paymentCreate: ({ ctx, principal, body, idempotencyKey }) =>
      payments.createPayment(ctx, principal, idempotencyKey, body),
    paymentList: ({ ctx, principal, query }) => payments.listPayments(ctx, principal, query),
    paymentGet: ({ ctx, principal, params }) => payments.getPayment(ctx, principal, params.paymentId),
    paymentCancel: ({ ctx, principal, params }) => payments.cancelPayment(ctx, principal, params.paymentId),
    scheduleList: ({ ctx, principal, query }) => payments.listSchedules(ctx, principal, query),
    scheduleCreate: ({ ctx, principal, body, idempotencyKey }) =>
      payments.createSchedule(ctx, principal, idempotencyKey, body),
    scheduleUpdate: ({ ctx, principal, params, body }) =>
      payments.updateSchedule(ctx, principal, params.scheduleId, body),
    schedulePause: ({ ctx, principal, params }) => payments.pauseSchedule(ctx, principal, params.scheduleId),
    scheduleResume: ({ ctx, principal, params }) =>
      payments.resumeSchedule(ctx, principal, params.scheduleId),
    scheduleCancel: ({ ctx, principal, params }) =>
      payments.cancelSchedule(ctx, principal, params.scheduleId),
    reportTypes: () => reports.listTypes(),
    reportRequest: async ({ ctx, principal, body }) => {
      const report = await reports.requestReport(ctx, principal, body);
      deps.reports.kick();
      return report;
    },
    reportList: ({ ctx, principal, query }) => reports.listReports(ctx, principal, query),
    reportGet: ({ ctx, principal, params }) => reports.getReport(ctx, principal, params.reportId),
    reportDownload: ({ ctx, principal, params }) => reports.downloadReport(ctx, principal, params.reportId),
    reportScheduleCreate: ({ ctx, principal, body }) => reports.createSchedule(ctx, principal, body),
    reportScheduleList: ({ ctx, principal }) => reports.listSchedules(ctx, principal),
    reportScheduleUpdate: ({ ctx, principal, params, body }) =>
      reports.updateSchedule(ctx, principal, params.schedule, body),
    reportScheduleDelete: ({ ctx, principal, params }) =>
      reports.deleteSchedule(ctx, principal, params.schedule),
  };
}
