import type { OffsetClock } from "../clock.js";
import type { Scheduler } from "../jobs/scheduler.js";
import * as auth from "../services/auth.js";
import * as sandbox from "../services/sandbox.js";
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
    outbox: async ({ ctx, query }) => ({ messages: await sandbox.listOutbox(ctx, query) }),
    clockShow: async () => sandbox.clockState(deps.clock),
    clockAdvance: ({ ctx, body }) => sandbox.advanceClock(ctx, deps.clock, deps.scheduler, body.by),
  };
}
