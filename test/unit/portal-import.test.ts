import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ImportBatchRequest, MAX_BATCH_OPERATIONS } from "../../src/contract/imports.js";
import { testPortal, type TestPortal } from "../helpers/portal.js";
import { adminToken, enrollBody, enrollmentSnapshot, pinClock } from "../helpers/enrollment.js";

/*
 * The import batch and plan routes read a chunk's members ahead of its operations. These cases are the
 * ones where reading ahead could go stale: the same member twice in one batch, and a failed operation
 * between good ones.
 */

let portal: TestPortal;
let token: string;
beforeEach(async () => {
  portal = await testPortal();
  pinClock(portal);
  token = await adminToken(portal);
});
afterEach(async () => {
  await portal.dispose();
});

const call = (method: string, url: string, body?: unknown) => portal.call(method, url, { body, token });

/** An import operation for a whole family, from the enrollment test body (each person on its own line). */
function operation(ref: number, over: Record<string, unknown> = {}) {
  const op = { ref, action: "upsert", ...enrollBody(), ...over } as Record<string, any>;
  op.subscriber = { ...op.subscriber, line: ref };
  op.dependents = op.dependents.map((d: object, i: number) => ({ ...d, line: ref + i + 1 }));
  return op;
}

async function job() {
  const res = await call("POST", "/v1/imports", {
    fileName: "roster.csv",
    fileSha256: "a".repeat(64),
    totalRows: 3,
    totalOperations: 3,
    format: "csv",
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe("import batches", () => {
  it("applies two operations for the same member in one batch in order: added, then changed", async () => {
    const id = await job();
    const second = operation(2, {
      subscriber: { ...enrollBody().subscriber, phone: "313-555-0100" },
    });
    const res = await call("POST", `/v1/imports/${id}/batches`, {
      idempotencyKey: "same-member-twice-0001",
      operations: [operation(1), second],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["added", "changed"]);
    expect(res.body.results[1].changes).toEqual(["subscriber.phone:  → 313-555-0100"]);
    const member = await call("GET", `/v1/members/${res.body.results[0].memberId}`);
    expect(member.body.subscriber.phone).toBe("313-555-0100");
  });

  it("rolls back only the failed operation of a batch, and stores every result", async () => {
    const id = await job();
    const bad = operation(2, {
      employeeNumber: "T200",
      plan: "NO-SUCH-PLAN",
      subscriber: { ...enrollBody().subscriber, ssn: "111-22-3333" },
      dependents: [],
    });
    const third = operation(3, {
      employeeNumber: "T300",
      subscriber: { ...enrollBody().subscriber, firstName: "Lee", ssn: "222-33-4444" },
      dependents: [],
    });
    const res = await call("POST", `/v1/imports/${id}/batches`, {
      idempotencyKey: "one-bad-in-the-middle",
      operations: [operation(1), bad, third],
    });
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["added", "failed", "added"]);
    expect(res.body.results[1].error.details[0].path).toBe("plan");
    const rows = await call("GET", `/v1/imports/${id}/rows?after=0&limit=10`);
    expect(rows.body.results.map((r: { ref: number }) => r.ref)).toEqual([1, 2, 3]);
    // A replay answers the stored results and adds nobody.
    const before = await enrollmentSnapshot(portal);
    const again = await call("POST", `/v1/imports/${id}/batches`, {
      idempotencyKey: "one-bad-in-the-middle",
      operations: [operation(1), bad, third],
    });
    expect(again.body.replayed).toBe(3);
    expect(await enrollmentSnapshot(portal)).toBe(before);
    // The batch's hash is the SHA-256 of its operations as one JSON array, as batches stored by earlier
    // versions have it: a resume across an upgrade is a replay, not a mismatch.
    const { operations } = ImportBatchRequest.parse({
      idempotencyKey: "one-bad-in-the-middle",
      operations: [operation(1), bad, third],
    });
    const stored = await portal.ctx.db.selectFrom("import_batches").select("request_sha256").execute();
    expect(stored).toEqual([
      { request_sha256: createHash("sha256").update(JSON.stringify(operations)).digest("hex") },
    ]);
  });

  it("applies a batch of the most operations, stores every result, and refuses one more", async () => {
    const id = await job();
    const operations = Array.from({ length: MAX_BATCH_OPERATIONS }, (_, i) =>
      operation(i + 1, {
        employeeNumber: `T${i}`,
        subscriber: { ...enrollBody().subscriber, ssn: `123-45-${String(1000 + i).padStart(4, "0")}` },
        dependents: [],
      }),
    );
    const res = await call("POST", `/v1/imports/${id}/batches`, {
      idempotencyKey: "the-most-operations-0001",
      operations,
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expect(res.body.results.filter((r: { outcome: string }) => r.outcome === "added")).toHaveLength(
      MAX_BATCH_OPERATIONS,
    );
    const stored = await portal.ctx.db
      .selectFrom("import_rows")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("job_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(stored.n).toBe(MAX_BATCH_OPERATIONS);

    const tooMany = [...operations, operation(MAX_BATCH_OPERATIONS + 1, { employeeNumber: "T-extra" })];
    const before = await enrollmentSnapshot(portal);
    const refused = await call("POST", `/v1/imports/${id}/batches`, {
      idempotencyKey: "one-too-many-operations-0001",
      operations: tooMany,
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.error.details)).toContain("operations");
    expect(await enrollmentSnapshot(portal)).toBe(before);
  });

  it("plans a batch as it would apply (a later operation sees an earlier one) and writes nothing", async () => {
    const before = await enrollmentSnapshot(portal);
    const res = await call("POST", "/v1/imports/plan", {
      operations: [
        operation(1),
        operation(2, { subscriber: { ...enrollBody().subscriber, phone: "313-555-0100" } }),
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["added", "changed"]);
    expect(await enrollmentSnapshot(portal)).toBe(before);
  });

  // A plan writes only the operations a later one of the same batch could find (by employee number or
  // by any of its people's SSNs); the others are checked, not written. Either way it answers as applying.
  it("plans an SSN shared with a later member's dependent as the duplicate it will be", async () => {
    const first = operation(1, { employeeNumber: "T100" });
    const second = operation(2, {
      employeeNumber: "T200",
      subscriber: { ...enrollBody().subscriber, firstName: "Lee", ssn: "222-33-4444" },
      dependents: [{ ...first.dependents[0], line: 3 }],
    });
    const planned = await call("POST", "/v1/imports/plan", { operations: [first, second] });
    expect(planned.status, JSON.stringify(planned.body)).toBe(200);
    expect(planned.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["added", "failed"]);
    expect(planned.body.results[1].error.code).toBe("duplicate_ssn");

    const bySsn = await call("POST", "/v1/imports/plan", {
      operations: [
        operation(1, { dependents: [] }),
        operation(2, {
          employeeNumber: undefined,
          dependents: [],
          subscriber: { ...enrollBody().subscriber, phone: "313-555-0100" },
        }),
      ],
    });
    // Found by the subscriber's SSN: the member the first operation adds.
    expect(
      bySsn.body.results.map((r: { outcome: string }) => r.outcome),
      JSON.stringify(bySsn.body),
    ).toEqual(["added", "changed"]);
  });

  it("plans independent members exactly as applying them answers", async () => {
    const ops = [
      operation(1, { employeeNumber: "T100" }),
      operation(2, {
        employeeNumber: "T200",
        plan: "NO-SUCH-PLAN",
        subscriber: { ...enrollBody().subscriber, ssn: "111-22-3333" },
        dependents: [],
      }),
      operation(3, {
        employeeNumber: "T300",
        subscriber: { ...enrollBody().subscriber, firstName: "Lee", ssn: "222-33-4444" },
        dependents: [],
      }),
    ];
    const before = await enrollmentSnapshot(portal);
    const planned = await call("POST", "/v1/imports/plan", { operations: ops });
    expect(await enrollmentSnapshot(portal)).toBe(before);
    const applied = await call("POST", `/v1/imports/${await job()}/batches`, {
      idempotencyKey: "independent-members-01",
      operations: ops,
    });
    const answer = (r: { outcome: string; changes: string[]; error: unknown }) => [
      r.outcome,
      r.changes,
      r.error,
    ];
    expect(planned.body.results.map(answer)).toEqual(applied.body.results.map(answer));
    expect(planned.body.results.map((r: { outcome: string }) => r.outcome)).toEqual([
      "added",
      "failed",
      "added",
    ]);
  });

  // A batch's new members that share no key with another of its operations are inserted together at the
  // end of the batch, their duplicate checks answered from two queries made up front.
  it("enrolls a batch's independent new members exactly as the enrollment route does", async () => {
    const people = (n: number) => ({
      employeeNumber: `T${n}00`,
      subscriber: { ...enrollBody().subscriber, ssn: `${n}11-22-3333` },
      dependents: enrollBody().dependents.map((d, i) => ({ ...d, ssn: `${n}${i}2-33-4444` })),
    });
    const res = await call("POST", `/v1/imports/${await job()}/batches`, {
      idempotencyKey: "independent-adds-0001",
      operations: [operation(1, people(1)), operation(4, people(2))],
    });
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["added", "added"]);
    const direct = await call("POST", "/v1/members", enrollBody(people(3)));
    expect(direct.status, JSON.stringify(direct.body)).toBe(201);
    // Everything but the IDs, names of people and times is what the route writes.
    const shape = (m: Record<string, any>) =>
      JSON.stringify(m, (k, v) =>
        /^(id|memberId|employeeNumber|ssn|createdAt|updatedAt|at)$/.test(k) ? undefined : v,
      );
    for (const r of res.body.results) {
      const member = await call("GET", `/v1/members/${r.memberId}`);
      expect(shape(member.body)).toBe(shape(direct.body));
    }
    const db = portal.ctx.db;
    for (const id of [res.body.results[0].memberId, res.body.results[1].memberId, direct.body.id]) {
      const log = await db
        .selectFrom("enrollment_transactions")
        .selectAll()
        .where("member_id", "=", id)
        .execute();
      expect(log.map((t) => [t.type, t.maintenance_type_code, t.maintenance_reason_code])).toEqual([
        ["addition", "021", "28"],
      ]);
      const audit = await db.selectFrom("audit_events").selectAll().where("object_id", "=", id).execute();
      expect(audit.map((a) => a.action)).toEqual(["member.enroll"]);
    }
  });

  it("refuses an SSN already on file in a batch of new members, naming the member that has it", async () => {
    const onFile = await call("POST", "/v1/members", enrollBody());
    const clash = operation(1, {
      employeeNumber: "T200",
      subscriber: { ...enrollBody().subscriber, ssn: "111-22-3333" },
    });
    const fine = operation(4, {
      employeeNumber: "T300",
      subscriber: { ...enrollBody().subscriber, ssn: "222-33-4444" },
      dependents: [],
    });
    const taken = operation(5, { employeeNumber: "T100", subscriber: undefined, action: "add" });
    const res = await call("POST", `/v1/imports/${await job()}/batches`, {
      idempotencyKey: "ssn-on-file-00001",
      operations: [clash, fine, { ...taken, dependents: [] }],
    });
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual([
      "failed",
      "added",
      "failed",
    ]);
    expect(res.body.results[0].error.code).toBe("duplicate_ssn");
    expect(res.body.results[0].error.message).toBe(
      `SSN ***-**-7890 is already enrolled on member ${onFile.body.id}; update that member instead`,
    );
    expect(res.body.results[2].error.code).toBe("duplicate_employee_number");
  });

  it("answers a new member's duplicate check afresh once an earlier operation of the batch ended coverage", async () => {
    const ended = await call("POST", "/v1/members", enrollBody());
    // The termination names the member by employee number only: its spouse's SSN is no key of it, so
    // the new member below shares no key with it, and the SSN is free once the termination has run.
    const terminate = {
      ref: 1,
      action: "terminate",
      employeeNumber: "T100",
      dependents: [],
      terminate: { date: "2026-12-31" },
    };
    const spouseAgain = operation(2, {
      employeeNumber: "T200",
      subscriber: { ...enrollBody().subscriber, ssn: "111-22-3333" },
      dependents: [enrollBody().dependents[0]],
    });
    const res = await call("POST", `/v1/imports/${await job()}/batches`, {
      idempotencyKey: "ssn-freed-in-batch-01",
      operations: [terminate, spouseAgain],
    });
    expect(
      res.body.results.map((r: { outcome: string }) => r.outcome),
      JSON.stringify(res.body),
    ).toEqual(["terminated", "added"]);
    const spouse = await portal.ctx.db
      .selectFrom("people")
      .select(["member_id", "status"])
      .where("first_name", "=", "Sam")
      .orderBy("created_at")
      .execute();
    expect(spouse).toEqual([
      { member_id: ended.body.id, status: "terminated" },
      { member_id: res.body.results[1].memberId, status: "active" },
    ]);
  });
});
