import type { Insertable } from "kysely";
import { insertRows, type Database, type Tx } from "../db/index.js";
import { newId } from "../ids.js";
import type { Principal } from "./access.js";
import { auditRow } from "./audit.js";

/**
 * Every enrollment change writes one transaction row (what the 834 export turns into INS loops) and one
 * audit event, inside the change's own DB transaction. The X12 codes live in this one table (X12.md).
 */
export const MAINTENANCE = {
  enroll: { type: "addition", ins03: "021", ins04: "28", action: "member.enroll" },
  addDependent: { type: "addition", ins03: "021", ins04: "28", action: "member.dependent.add" },
  addNewborn: { type: "addition", ins03: "021", ins04: "02", action: "member.dependent.add" },
  demographics: { type: "change", ins03: "001", ins04: "25", action: "member.update" },
  dependentDemographics: { type: "change", ins03: "001", ins04: "25", action: "member.dependent.update" },
  planChange: { type: "change", ins03: "001", ins04: "22", action: "member.plan.change" },
  pcpChange: { type: "change", ins03: "001", ins04: "15", action: "member.pcp.change" },
  removeDependent: { type: "termination", ins03: "024", ins04: "07", action: "member.dependent.remove" },
  removeDependentDivorce: {
    type: "termination",
    ins03: "024",
    ins04: "01",
    action: "member.dependent.remove",
  },
  removeDependentDeath: { type: "termination", ins03: "024", ins04: "03", action: "member.dependent.remove" },
  cancel: { type: "termination", ins03: "024", ins04: "07", action: "member.cancel" },
  cancelEmployment: { type: "termination", ins03: "024", ins04: "08", action: "member.cancel" },
  cancelDeath: { type: "termination", ins03: "024", ins04: "03", action: "member.cancel" },
  cancelDivorce: { type: "termination", ins03: "024", ins04: "01", action: "member.cancel" },
  cancelNonPayment: { type: "termination", ins03: "024", ins04: "59", action: "member.cancel" },
  reinstate: { type: "reinstatement", ins03: "025", ins04: "41", action: "member.reinstate" },
  cobra: { type: "cobra", ins03: "001", ins04: "09", action: "member.cobra" },
} as const;
export type Maintenance = (typeof MAINTENANCE)[keyof typeof MAINTENANCE];

/** X12 INS07 COBRA qualifying event codes. */
export const COBRA_EVENT_CODE: Record<string, string> = {
  "termination-of-employment": "1",
  "reduced-hours": "2",
  medicare: "3",
  death: "4",
  divorce: "5",
  "legal-separation": "6",
  "dependent-ineligible": "7",
  "disability-extension": "1",
};

export interface Change {
  maintenance: Maintenance;
  memberId: string;
  personId?: string | null;
  effectiveDate: string;
  description: string;
  /** Non-secret facts for the 834 export and the audit log (never SSNs). */
  details?: Record<string, unknown>;
}

/** The enrollment transaction row and the audit row of one change. */
export function changeRows(now: Date, principal: Principal, change: Change) {
  const { maintenance } = change;
  return {
    transaction: {
      id: newId("etx"),
      employer_id: principal.employerId,
      member_id: change.memberId,
      person_id: change.personId ?? null,
      type: maintenance.type,
      maintenance_type_code: maintenance.ins03,
      maintenance_reason_code: maintenance.ins04,
      effective_date: change.effectiveDate,
      description: change.description,
      details: change.details ? JSON.stringify(change.details) : null,
      actor_user_id: principal.userId,
      api_token_id: principal.credential.kind === "api_token" ? principal.credential.tokenId : null,
      at: now.toISOString(),
    } satisfies Insertable<Database["enrollment_transactions"]>,
    audit: auditRow(now, {
      employerId: principal.employerId,
      actor: principal,
      action: maintenance.action,
      objectType: "member",
      objectId: change.memberId,
      details: {
        ...(change.personId ? { personId: change.personId } : {}),
        effectiveDate: change.effectiveDate,
        ...change.details,
      },
    }),
  };
}

export async function recordChange(tx: Tx, now: Date, principal: Principal, change: Change): Promise<void> {
  const rows = changeRows(now, principal, change);
  await insertRows(tx, "enrollment_transactions", [rows.transaction]);
  await insertRows(tx, "audit_events", [rows.audit]);
}
