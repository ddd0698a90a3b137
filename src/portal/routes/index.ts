import type { OffsetClock } from "../clock.js";
import type { Scheduler } from "../jobs/scheduler.js";
import * as auth from "../services/auth.js";
import * as sandbox from "../services/sandbox.js";
import * as tokens from "../services/tokens.js";
import * as users from "../services/users.js";
import { listAudit } from "../services/audit-log.js";
import type { Handlers } from "./types.js";

/** HTTP ↔ services. Rules live in the services; this only passes the parsed input and the caller along. */
export function createHandlers(deps: {
  version: string;
  clock: OffsetClock;
  scheduler: Scheduler;
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
  };
}
