import type { z } from "zod";
import type { AuditQuery } from "../../contract/users.js";
import type { PortalContext } from "../context.js";
import { AppError } from "../errors.js";
import type { Principal } from "./access.js";

/** The audit log is the employer's: only the primary and secondary administrators read it. */
export async function listAudit(
  ctx: PortalContext,
  principal: Principal,
  query: z.output<typeof AuditQuery>,
) {
  if (!principal.scope.employerWide) {
    throw new AppError(403, "forbidden", "only the primary and secondary administrators read the audit log");
  }
  if (query.since && query.until && query.since > query.until) {
    throw new AppError(400, "validation_failed", "since must not be after until", [
      { path: "since", message: "after until" },
    ]);
  }
  let q = ctx.db
    .selectFrom("audit_events as a")
    .leftJoin("users as u", "u.id", "a.actor_user_id")
    .leftJoin("api_tokens as t", "t.id", "a.api_token_id")
    .select([
      "a.id",
      "a.at",
      "a.action",
      "a.object_type",
      "a.object_id",
      "a.details",
      "a.actor_user_id",
      "u.username",
      "u.name",
      "a.api_token_id",
      "t.name as token_name",
    ])
    .where("a.employer_id", "=", principal.employerId)
    .orderBy("a.id", "desc")
    .limit(query.limit + 1);
  if (query.cursor) q = q.where("a.id", "<", Number(query.cursor));
  if (query.since) q = q.where("a.at", ">=", `${query.since}T00:00:00.000Z`);
  if (query.until) q = q.where("a.at", "<", nextDay(query.until));
  if (query.action) q = q.where("a.action", "=", query.action);
  if (query.actor)
    q = q.where((eb) =>
      eb.or([eb("u.username", "=", query.actor!.toLowerCase()), eb("a.actor_user_id", "=", query.actor!)]),
    );
  if (query.member) q = q.where("a.object_type", "=", "member").where("a.object_id", "=", query.member);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  return {
    events: page.map((r) => ({
      id: Number(r.id),
      at: r.at,
      action: r.action,
      actor: r.actor_user_id
        ? { userId: r.actor_user_id, username: r.username ?? null, name: r.name ?? "" }
        : null,
      apiToken: r.api_token_id ? { id: r.api_token_id, name: r.token_name ?? "" } : null,
      objectType: r.object_type,
      objectId: r.object_id,
      details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
    })),
    nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.id) : null,
  };
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}
