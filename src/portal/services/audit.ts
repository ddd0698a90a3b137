import type { Insertable } from "kysely";
import { insertRows, type Database, type Db, type Tx } from "../db/index.js";
import type { Principal } from "./access.js";

export interface AuditEvent {
  employerId: string | null;
  actor?: Principal | { userId: string; tokenId?: undefined } | null;
  action: string;
  objectType?: string;
  objectId?: string;
  details?: Record<string, unknown>;
}

/** One audit row: who (user and token), what, which object, when. Never put secrets in `details`. */
export function auditRow(at: Date, event: AuditEvent): Insertable<Database["audit_events"]> {
  const actor = event.actor;
  const tokenId =
    actor && "credential" in actor && actor.credential.kind === "api_token" ? actor.credential.tokenId : null;
  return {
    employer_id: event.employerId,
    actor_user_id: actor?.userId ?? null,
    api_token_id: tokenId,
    action: event.action,
    object_type: event.objectType ?? null,
    object_id: event.objectId ?? null,
    details: event.details ? JSON.stringify(event.details) : null,
    at: at.toISOString(),
  };
}

export async function audit(db: Db | Tx, at: Date, event: AuditEvent): Promise<void> {
  await insertRows(db, "audit_events", [auditRow(at, event)]);
}
