import type { OutboxMessage } from "../../contract/sandbox.js";
import type { PortalContext } from "../context.js";
import { parseDuration, type OffsetClock } from "../clock.js";
import type { Scheduler } from "../jobs/scheduler.js";

export async function listOutbox(
  ctx: PortalContext,
  query: { to?: string; last?: boolean; limit: number },
): Promise<OutboxMessage[]> {
  let q = ctx.db.selectFrom("outbox").selectAll().orderBy("sent_at", "desc").orderBy("id", "desc");
  if (query.to) q = q.where("to_addr", "=", query.to.toLowerCase());
  const rows = await q.limit(query.last ? 1 : query.limit).execute();
  return rows.map((r) => ({ id: r.id, to: r.to_addr, subject: r.subject, body: r.body, sentAt: r.sent_at }));
}

const CLOCK_KEY = "sandbox_clock_offset_ms";

/** The sandbox clock's offset is kept in the database so a restarted portal is still "in the future". */
export async function loadClockOffset(ctx: PortalContext, clock: OffsetClock): Promise<void> {
  const row = await ctx.db
    .selectFrom("settings")
    .select("value")
    .where("key", "=", CLOCK_KEY)
    .executeTakeFirst();
  clock.offsetMs = row ? Number(row.value) : 0;
}

export function clockState(clock: OffsetClock) {
  return { now: clock.now().toISOString(), offsetMs: clock.offsetMs };
}

/** Moves the clock forward (never back: the billing and payment history must stay in order) and runs what fell due. */
export async function advanceClock(ctx: PortalContext, clock: OffsetClock, scheduler: Scheduler, by: string) {
  clock.offsetMs += parseDuration(by);
  await ctx.db
    .insertInto("settings")
    .values({ key: CLOCK_KEY, value: String(clock.offsetMs) })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: String(clock.offsetMs) }))
    .execute();
  await scheduler.runDue();
  return clockState(clock);
}
