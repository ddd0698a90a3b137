import { IDEMPOTENCY_RETENTION_MS } from "../services/idempotency.js";
import type { Job } from "./scheduler.js";

const DAY = 86_400_000;

/** Deletes what no one can use any more: expired session tokens registration keys older than 90 days, idempotency records older than 30 days. */
export const retentionJob: Job = {
  name: "retention",
  async run(ctx, now) {
    const cutoff = new Date(now.getTime() - DAY).toISOString();
    await ctx.db.deleteFrom("session_tokens").where("expires_at", "<", cutoff).execute();
    await ctx.db
      .deleteFrom("registration_keys")
      .where("expires_at", "<", new Date(now.getTime() - 90 * DAY).toISOString())
      .execute();
    await ctx.db
      .deleteFrom("idempotency_keys")
      .where("created_at", "<", new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS).toISOString())
      .execute();
  },
};
