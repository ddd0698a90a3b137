import { createHash } from "node:crypto";
import type { PortalContext } from "../context.js";
import type { Tx } from "../db/index.js";
import { AppError } from "../errors.js";
import type { Principal } from "./access.js";

/**
 * Money-moving requests carry an `Idempotency-Key` (Stripe's rule). Per caller (user) and key the portal keeps
 * the route, a hash of the request and, once done, the response, written in the same transaction as the
 * money movement itself:
 * - a replay (same key, same request) answers the stored response and changes nothing;
 * - the same key with another request is `422 idempotency_key_reused`;
 * - a duplicate arriving while the first is still running is `409 idempotency_in_progress` (Retry-After: 1).
 * A request the portal refuses (4xx) stores nothing: the key is released and nothing happened.
 * A claim left `in_progress` by a crash is taken over after STALE_MS.
 */
const STALE_MS = 60_000;
/** Records are kept this long (the retention job deletes older ones); the CLI reuses keys for far less. */
export const IDEMPOTENCY_RETENTION_MS = 30 * 86_400_000;

const KEY_FORMAT = /^[\x21-\x7e]{8,255}$/;

export function requestHash(route: string, body: unknown): string {
  return createHash("sha256")
    .update(route)
    .update("\n")
    .update(JSON.stringify(body ?? null))
    .digest("hex");
}

export async function idempotent<T>(
  ctx: PortalContext,
  principal: Principal,
  route: string,
  key: string | string[] | undefined,
  body: unknown,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  if (Array.isArray(key)) key = key[0];
  if (!key)
    throw new AppError(
      400,
      "idempotency_key_required",
      "this request moves money and needs an Idempotency-Key header (a random string, e.g. a UUID, reused on retries)",
    );
  if (!KEY_FORMAT.test(key))
    throw new AppError(
      400,
      "idempotency_key_required",
      "the Idempotency-Key must be 8-255 printable ASCII characters without spaces",
    );
  const hash = requestHash(route, body);
  const userId = principal.userId;

  const claim = await ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const row = await tx
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("user_id", "=", userId)
      .where("key", "=", key)
      .executeTakeFirst();
    if (!row) {
      await tx
        .insertInto("idempotency_keys")
        .values({
          user_id: userId,
          key,
          route,
          request_hash: hash,
          state: "in_progress",
          response_status: null,
          response_body: null,
          created_at: now.toISOString(),
        })
        .execute();
      return { replay: undefined };
    }
    if (row.route !== route || row.request_hash !== hash)
      throw new AppError(
        422,
        "idempotency_key_reused",
        "this Idempotency-Key was already used for a different request; use a new key for a new payment",
      );
    if (row.state === "done") return { replay: JSON.parse(row.response_body ?? "null") as T };
    if (now.getTime() - Date.parse(row.created_at) < STALE_MS)
      throw new AppError(
        409,
        "idempotency_in_progress",
        "the same request (same Idempotency-Key) is still being processed; retry in a moment to get its answer",
        undefined,
        { "retry-after": "1" },
      );
    // A claim whose request died with the process: take it over.
    await tx
      .updateTable("idempotency_keys")
      .set({ created_at: now.toISOString() })
      .where("user_id", "=", userId)
      .where("key", "=", key)
      .execute();
    return { replay: undefined };
  });
  if (claim.replay !== undefined) return claim.replay;

  try {
    return await ctx.db.transaction().execute(async (tx) => {
      const result = await work(tx);
      await tx
        .updateTable("idempotency_keys")
        .set({ state: "done", response_status: 200, response_body: JSON.stringify(result) })
        .where("user_id", "=", userId)
        .where("key", "=", key)
        .execute();
      return result;
    });
  } catch (err) {
    await ctx.db
      .deleteFrom("idempotency_keys")
      .where("user_id", "=", userId)
      .where("key", "=", key)
      .where("state", "=", "in_progress")
      .execute();
    throw err;
  }
}
