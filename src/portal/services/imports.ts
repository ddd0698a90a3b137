import { createHash } from "node:crypto";
import { CompiledQuery, sql } from "kysely";
import type { z } from "zod";
import type {
  ImportBatchRequest,
  ImportDependent,
  ImportJob,
  ImportJobCreateRequest,
  ImportOperation,
  ImportResult,
  ImportRowsQuery,
  ImportSubscriber,
  MemberExportRequest,
  MemberExportResponse,
} from "../../contract/imports.js";
import { DependentInput, EnrollRequest, SubscriberInput, type MemberDetail } from "../../contract/members.js";
import type { PortalContext } from "../context.js";
import { insertRows, PendingRows, type Db, type Tx } from "../db/index.js";
import { AppError, notFound } from "../errors.js";
import { newId } from "../ids.js";
import { inScope, requireFeature, requireInScope, type Principal } from "./access.js";
import { CatalogLookups } from "./catalog.js";
import * as enrollment from "./enrollment.js";
import {
  loadMember,
  loadMemberRecords,
  memberDetail,
  memberPlaces,
  type MemberRecord,
  type PersonRow,
} from "./members.js";
import { employeeNumberHolders, PERSON_EMPLOYER_FILTER, ssnHolders } from "./member-rules.js";
import { cancelMember } from "./termination.js";

/**
 * Bulk roster import. Every operation runs in its own savepoint of a write transaction (one per batch of
 * operations) and calls the same services as the single-member routes (same rules, same scope checks,
 * same enrollment log and audit), so an import can do nothing a person at the API could not. Applying
 * stores the operation's result in the same transaction as the change: a crash leaves either both or
 * neither, and a replay (the same batch key, or the same operation again) answers the stored result
 * instead of applying twice. A plan runs the very same code and rolls its transaction back.
 */

type Out<T extends z.ZodType> = z.output<T>;

/** Thrown to roll a plan's transaction back. */
class Rollback extends Error {}

/**
 * Runs `fn` in a savepoint of `tx`, rolled back when it throws. Savepoints are not nested here, so one
 * name does.
 */
async function inSavepoint<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  await tx.executeQuery(SAVEPOINT.begin);
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    await tx.executeQuery(SAVEPOINT.rollback);
    await tx.executeQuery(SAVEPOINT.release);
    throw err;
  }
  await tx.executeQuery(SAVEPOINT.release);
  return result;
}
// Made once: they run twice per imported member.
const SAVEPOINT = {
  begin: CompiledQuery.raw("savepoint import_op"),
  rollback: CompiledQuery.raw("rollback to import_op"),
  release: CompiledQuery.raw("release import_op"),
};

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

// ---------------------------------------------------------------- jobs

type JobRow = Awaited<ReturnType<typeof loadJob>>;

async function loadJob(db: Db, principal: Principal, jobId: string) {
  const job = await db.selectFrom("import_jobs").selectAll().where("id", "=", jobId).executeTakeFirst();
  // A job is its creator's, and the employer's administrators'; anyone else is told it does not exist.
  const admin = principal.role === "primary-admin" || principal.role === "secondary-admin";
  if (!job || job.employer_id !== principal.employerId || (job.user_id !== principal.userId && !admin))
    throw notFound(`import job ${jobId}`);
  return job;
}

async function jobView(db: Db, job: NonNullable<JobRow>): Promise<ImportJob> {
  const counts = await db
    .selectFrom("import_rows")
    .select(["outcome", (eb) => eb.fn.countAll<number>().as("n")])
    .where("job_id", "=", job.id)
    .groupBy("outcome")
    .execute();
  const by = Object.fromEntries(counts.map((c) => [c.outcome, Number(c.n)]));
  const c = {
    added: by.added ?? 0,
    changed: by.changed ?? 0,
    unchanged: by.unchanged ?? 0,
    terminated: by.terminated ?? 0,
    failed: by.failed ?? 0,
  };
  return {
    id: job.id,
    fileName: job.file_name,
    fileSha256: job.file_sha256,
    format: job.format,
    totalRows: job.total_rows,
    totalOperations: job.total_operations,
    processedOperations: c.added + c.changed + c.unchanged + c.terminated + c.failed,
    counts: c,
    createdAt: job.created_at,
    updatedAt: job.updated_at,
  };
}

export async function createJob(
  ctx: PortalContext,
  principal: Principal,
  input: Out<typeof ImportJobCreateRequest>,
): Promise<ImportJob> {
  const at = ctx.clock.now().toISOString();
  const id = newId("imp");
  await ctx.db
    .insertInto("import_jobs")
    .values({
      id,
      employer_id: principal.employerId,
      user_id: principal.userId,
      api_token_id: principal.credential.kind === "api_token" ? principal.credential.tokenId : null,
      file_name: input.fileName,
      file_sha256: input.fileSha256,
      format: input.format,
      total_rows: input.totalRows,
      total_operations: input.totalOperations,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return getJob(ctx, principal, id);
}

export async function getJob(ctx: PortalContext, principal: Principal, jobId: string): Promise<ImportJob> {
  return jobView(ctx.db, await loadJob(ctx.db, principal, jobId));
}

function storedResult(row: {
  ref: number;
  outcome: ImportResult["outcome"];
  member_id: string | null;
  result: string;
}): ImportResult {
  const { changes, error } = JSON.parse(row.result) as Pick<ImportResult, "changes" | "error">;
  return { ref: row.ref, outcome: row.outcome, memberId: row.member_id, changes, error };
}

export async function jobRows(
  ctx: PortalContext,
  principal: Principal,
  jobId: string,
  query: Out<typeof ImportRowsQuery>,
) {
  await loadJob(ctx.db, principal, jobId);
  let q = ctx.db
    .selectFrom("import_rows")
    .select(["ref", "outcome", "member_id", "result"])
    .where("job_id", "=", jobId)
    .where("ref", ">", query.after);
  if (query.outcome) q = q.where("outcome", "=", query.outcome);
  const rows = await q
    .orderBy("ref")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return {
    results: page.map(storedResult),
    nextAfter: rows.length > query.limit ? page[page.length - 1]!.ref : null,
  };
}

// ---------------------------------------------------------------- batches

/**
 * A batch is one write transaction (each operation in its own savepoint) of up to 4,000 operations. Each
 * commit writes every page its operations dirtied, and members and people sit in five indexes ordered by
 * name or SSN hash, so nearly every operation dirties pages of its own: fewer, larger commits write less
 * log (a 100,000-employee import: 4.2 GB at 250 to a commit, 1.87 GB at 2,000, 1.24 GB at 4,000). It keeps
 * the write lock ~0.25 s per 1,000 operations.
 */
export async function applyBatch(
  ctx: PortalContext,
  principal: Principal,
  jobId: string,
  input: Out<typeof ImportBatchRequest>,
): Promise<{ results: ImportResult[]; replayed: number }> {
  const job = await loadJob(ctx.db, principal, jobId);
  const ops = input.operations;
  // Each operation serialised and encoded once: its own hash, and the batch's, the hash of the whole array's
  // text fed piece by piece (hashing the joined text cost twice as much: ~0.9 s per 100,000 operations).
  const opBytes = ops.map((op) => Buffer.from(JSON.stringify(op)));
  const batchHash = createHash("sha256").update("[");
  for (const [i, bytes] of opBytes.entries()) {
    if (i) batchHash.update(",");
    batchHash.update(bytes);
  }
  const requestSha = batchHash.update("]").digest("hex");
  const lookups = new CatalogLookups();
  // One write transaction for the batch, each operation in a savepoint of its own: a failed operation rolls
  // back to its savepoint (all of the row or none of it) and its failure is stored. The batch's key, its
  // results and the job's time land in the same commit as the changes: a crash keeps all or nothing.
  return ctx.db.transaction().execute(async (tx) => {
    // Inside the write transaction: a concurrent duplicate waits for the first and then sees its result.
    const seen = await tx
      .selectFrom("import_batches")
      .select("request_sha256")
      .where("job_id", "=", job.id)
      .where("idempotency_key", "=", input.idempotencyKey)
      .executeTakeFirst();
    if (seen && seen.request_sha256 !== requestSha)
      throw new AppError(
        422,
        "idempotency_mismatch",
        "this idempotency key was used for other operations; a replay must send the same batch",
      );
    const txCtx = { ...ctx, db: tx, pii: ctx.pii.remembering() };
    const stored = new Map(
      (
        await tx
          .selectFrom("import_rows")
          .selectAll()
          .where("job_id", "=", job.id)
          .where(
            "ref",
            "in",
            ops.map((op) => op.ref),
          )
          .execute()
      ).map((r) => [r.ref, r]),
    );
    const fresh = ops.filter((op) => !stored.has(op.ref));
    const known = await Preloaded.load(txCtx, principal, fresh);
    const batch = await BatchWrites.prepare(txCtx, principal, fresh, known);
    const results: ImportResult[] = [];
    const toStore: { ref: number; opSha: string; result: ImportResult }[] = [];
    let replayed = 0;
    for (const [i, op] of ops.entries()) {
      const opSha = sha256(opBytes[i]!);
      const before = stored.get(op.ref);
      if (before) {
        if (before.operation_sha256 !== opSha)
          results.push(
            failure(
              op.ref,
              new AppError(
                422,
                "idempotency_mismatch",
                `operation ${op.ref} was applied before with other content`,
              ),
            ),
          );
        else {
          replayed++;
          results.push(storedResult(before));
        }
        continue;
      }
      const r = await runInSavepoint(txCtx, principal, op, lookups, known, batch.writeFor(op));
      batch.ran(op, r);
      toStore.push({ ref: op.ref, opSha, result: r });
      results.push(r);
    }
    // The new members' rows go in before their results. (Were an insert refused here, the whole batch
    // would roll back and fail, none of it stored.)
    await batch.enrollment.pending.flush(tx);
    const now = ctx.clock.now();
    await storeRows(tx, job.id, toStore, now);
    if (!seen)
      await tx
        .insertInto("import_batches")
        .values({
          job_id: job.id,
          idempotency_key: input.idempotencyKey,
          request_sha256: requestSha,
          at: now.toISOString(),
        })
        .execute();
    await tx
      .updateTable("import_jobs")
      .set({ updated_at: now.toISOString() })
      .where("id", "=", job.id)
      .execute();
    return { results, replayed };
  });
}

/**
 * One operation in a savepoint: its failure (a rule refused it) rolls back only its own changes. With
 * `write: false` (a plan's operation that nothing later reads) an add checks its rules and writes nothing.
 */
async function runInSavepoint(
  ctx: PortalContext,
  principal: Principal,
  op: ImportOperation,
  lookups: CatalogLookups,
  known: Preloaded,
  write: enrollment.EnrollWrite = true,
): Promise<ImportResult> {
  const run = () => runOperation(ctx, principal, op, lookups, known, write);
  // A new member that is only checked (a plan) or left to the batch's pending rows writes nothing now:
  // there is nothing to roll back, so no savepoint (two statements per member).
  const writesNow = write === true || !known.isNew(op);
  try {
    return await (writesNow ? inSavepoint(ctx.db as Tx, run) : run());
  } catch (err) {
    if (err instanceof AppError) return failure(op.ref, err);
    throw err;
  } finally {
    // What the operation touched is read afresh by any later operation on the same member.
    known.forget(op);
  }
}

async function storeRows(
  tx: Tx,
  jobId: string,
  rows: { ref: number; opSha: string; result: ImportResult }[],
  now: Date,
) {
  const at = now.toISOString();
  await insertRows(
    tx,
    "import_rows",
    rows.map(({ ref, opSha, result: r }) => ({
      job_id: jobId,
      ref,
      operation_sha256: opSha,
      outcome: r.outcome,
      member_id: r.memberId,
      result: JSON.stringify({ changes: r.changes, error: r.error }),
      at,
    })),
    { onConflict: "ignore" },
  );
}

/**
 * What each operation would do: the same code as applying, in a transaction that is rolled back. The
 * operations of a request run one after the other in it, so an operation sees what the earlier ones of
 * the same request would have done (as it will when applied). An operation that shares no key with another
 * of its request (see operationKeys) cannot be seen by a later one, so a new member it adds is checked but
 * not written: inserting the rows (and their log and audit rows) only to roll them back was most of a
 * plan's cost on an empty roster.
 */
export async function planBatch(
  ctx: PortalContext,
  principal: Principal,
  operations: ImportOperation[],
): Promise<{ results: ImportResult[] }> {
  const lookups = new CatalogLookups();
  const results: ImportResult[] = [];
  try {
    await ctx.db.transaction().execute(async (tx) => {
      const txCtx = { ...ctx, db: tx };
      const known = await Preloaded.load(txCtx, principal, operations);
      const alone = unsharedOperations(operations);
      for (const op of operations)
        results.push(await runInSavepoint(txCtx, principal, op, lookups, known, !alone.has(op)));
      throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return { results };
}

function failure(ref: number, err: AppError): ImportResult {
  return {
    ref,
    outcome: "failed",
    memberId: null,
    changes: [],
    error: { status: err.status, code: err.code, message: err.message, details: err.details ?? [] },
  };
}

/**
 * Everything by which a later operation could find what this one writes: its employee number and the
 * SSNs of its people (targets are found by either; duplicate checks read both). Compared only within one
 * request, so the SSNs (digits, as parsed) need no lookup hash.
 */
function operationKeys(op: ImportOperation): string[] {
  const keys = op.employeeNumber ? [`E:${op.employeeNumber}`] : [];
  for (const p of [op.subscriber, ...op.dependents]) if (p?.ssn) keys.push(`S:${p.ssn}`);
  return keys;
}

/** The operations of a batch none of whose keys another operation of the batch has. */
function unsharedOperations(ops: ImportOperation[]): Set<ImportOperation> {
  const keysOf = new Map(ops.map((op) => [op, operationKeys(op)]));
  const count = new Map<string, number>();
  for (const keys of keysOf.values()) for (const k of new Set(keys)) count.set(k, (count.get(k) ?? 0) + 1);
  return new Set(ops.filter((op) => keysOf.get(op)!.every((k) => count.get(k) === 1)));
}

// ---------------------------------------------------------------- reading ahead

/**
 * How a batch enrolls its new members. One whose keys no other operation of the batch shares (see
 * operationKeys) cannot be seen by a later one, so its rows wait in `pending` and go in with the others,
 * many to a statement, before the batch commits. Its duplicate checks are answered from two queries made
 * for all of them up front, for as long as nothing else has been written: the first operation that may
 * have written directly (a change, a termination, an add that shares a key) makes every later check ask
 * SQLite again.
 */
class BatchWrites {
  private constructor(
    private readonly alone: Set<ImportOperation>,
    readonly enrollment: enrollment.BatchEnrollment,
  ) {}

  static async prepare(ctx: PortalContext, principal: Principal, ops: ImportOperation[], known: Preloaded) {
    const alone = unsharedOperations(ops);
    const adds = ops.filter((op) => alone.has(op) && known.isNew(op));
    const hmacs = adds.flatMap((op) =>
      [op.subscriber, ...op.dependents].flatMap((p) => (p?.ssn ? [ctx.pii.lookupHash(p.ssn)] : [])),
    );
    const numbers = adds.flatMap((op) => (op.employeeNumber ? [op.employeeNumber] : []));
    return new BatchWrites(alone, {
      pending: new PendingRows(),
      ssnHolders: await ssnHolders(ctx.db, principal.employerId, hmacs),
      employeeNumberHolders: await employeeNumberHolders(ctx.db, principal.employerId, numbers),
    });
  }

  writeFor(op: ImportOperation): true | enrollment.BatchEnrollment {
    return this.alone.has(op) ? this.enrollment : true;
  }

  /** After `op` ran: unless it added through `pending` or failed (rolled back), it may have written. */
  ran(op: ImportOperation, result: ImportResult) {
    if (this.alone.has(op) && (result.outcome === "added" || result.outcome === "failed")) return;
    this.enrollment.ssnHolders = undefined;
    this.enrollment.employeeNumberHolders = undefined;
  }
}

type Target = { id: string; group_id: string; location_id: string };
type Place = Omit<Awaited<ReturnType<ReturnType<typeof memberPlaces>["executeTakeFirstOrThrow"]>>, "id">;

/** Keys of the members read ahead: by employee number, or by the subscriber's SSN lookup hash. */
const byNumber = (employeeNumber: string) => `E:${employeeNumber}`;
const bySsnHash = (hmac: string) => `S:${hmac}`;

/** An operation's key: its employee number, else its subscriber's SSN. */
function targetKey(ctx: PortalContext, op: ImportOperation): string | undefined {
  if (op.employeeNumber) return byNumber(op.employeeNumber);
  if (op.subscriber?.ssn) return bySsnHash(ctx.pii.lookupHash(op.subscriber.ssn));
  return undefined;
}

/**
 * The members a batch of operations is about, read in a few queries instead of a few per operation:
 * who each key names, and those members' people, COBRA coverages and places. What is not here (or was
 * forgotten because an earlier operation changed it) is read now, as before.
 */
class Preloaded {
  /** Whether any target was read ahead by SSN (else no SSN key can go stale). */
  readonly #bySsn: boolean;

  private constructor(
    private readonly ctx: PortalContext,
    private readonly targets: Map<string, Target | null>,
    private readonly records: Map<string, MemberRecord>,
    private readonly places: Map<string, Place>,
  ) {
    this.#bySsn = [...targets.keys()].some((key) => key.startsWith(bySsnHash("")));
  }

  static async load(ctx: PortalContext, principal: Principal, ops: ImportOperation[]): Promise<Preloaded> {
    const targets = await findTargets(ctx, principal, ops);
    const ids = [...new Set([...targets.values()].flatMap((t) => (t ? [t.id] : [])))];
    const places = new Map<string, Place>();
    if (ids.length)
      for (const { id, ...place } of await memberPlaces(ctx.db).where("members.id", "in", ids).execute())
        places.set(id, place);
    return new Preloaded(ctx, targets, await loadMemberRecords(ctx.db, ids), places);
  }

  /** Whether `op` was read ahead and names nobody yet (it would enroll a new member). */
  isNew(op: ImportOperation): boolean {
    const key = targetKey(this.ctx, op);
    return key !== undefined && this.targets.get(key) === null;
  }

  /** Who `op` names by `key` (its targetKey); null: nobody yet. */
  async target(principal: Principal, op: ImportOperation, key: string) {
    return this.targets.has(key)
      ? this.targets.get(key)
      : (await findTargets(this.ctx, principal, [op])).get(key);
  }

  record(principal: Principal, memberId: string) {
    return this.records.get(memberId) ?? loadMember(this.ctx.db, principal, memberId);
  }

  async place(memberId: string) {
    return (
      this.places.get(memberId) ??
      (await memberPlaces(this.ctx.db).where("members.id", "=", memberId).executeTakeFirstOrThrow())
    );
  }

  /** After an operation ran: later ones read its member again (it may have been added or changed). */
  forget(op: ImportOperation) {
    // By either key: a later operation may find by SSN the member this one added by employee number.
    const keys = op.employeeNumber ? [byNumber(op.employeeNumber)] : [];
    if (op.subscriber?.ssn && this.#bySsn) keys.push(bySsnHash(this.ctx.pii.lookupHash(op.subscriber.ssn)));
    for (const key of keys) {
      const target = this.targets.get(key);
      this.targets.delete(key);
      if (target) {
        this.records.delete(target.id);
        this.places.delete(target.id);
      }
    }
  }
}

// ---------------------------------------------------------------- one operation

/**
 * The members operations are about, by key (see targetKey): by employee number within the employer —
 * the member whose coverage has not ended, else the most recent one (re-enrolling is an add) — or, with
 * no employee number, by the subscriber's SSN (the most recent). null: none yet.
 */
async function findTargets(
  ctx: PortalContext,
  principal: Principal,
  ops: ImportOperation[],
): Promise<Map<string, Target | null>> {
  const db = ctx.db;
  const targets = new Map<string, Target | null>();
  const numbers = [...new Set(ops.flatMap((op) => (op.employeeNumber ? [op.employeeNumber] : [])))];
  const hashes = [
    ...new Set(
      ops.flatMap((op) =>
        !op.employeeNumber && op.subscriber?.ssn ? [ctx.pii.lookupHash(op.subscriber.ssn)] : [],
      ),
    ),
  ];
  for (const n of numbers) targets.set(byNumber(n), null);
  for (const h of hashes) targets.set(bySsnHash(h), null);
  if (numbers.length) {
    const rows = await db
      .selectFrom("members")
      .select(["id", "group_id", "location_id", "employee_number", "status", "created_at"])
      .where("employer_id", "=", principal.employerId)
      .where("employee_number", "in", numbers)
      .execute();
    const rank = (r: (typeof rows)[number]) => (r.status === "active" || r.status === "cobra" ? 0 : 1);
    rows.sort((a, b) => rank(a) - rank(b) || b.created_at.localeCompare(a.created_at));
    for (const r of rows)
      if (!targets.get(byNumber(r.employee_number!))) targets.set(byNumber(r.employee_number!), r);
  }
  if (hashes.length) {
    const rows = await db
      .selectFrom("people")
      .innerJoin("members", "members.id", "people.member_id")
      .select(["members.id", "members.group_id", "members.location_id", "people.ssn_hmac"])
      .where(sql.raw(PERSON_EMPLOYER_FILTER), "=", principal.employerId)
      .where("people.ssn_hmac", "in", hashes)
      .where("people.relationship", "=", "subscriber")
      .orderBy("members.created_at", "desc")
      .execute();
    for (const r of rows) if (!targets.get(bySsnHash(r.ssn_hmac!))) targets.set(bySsnHash(r.ssn_hmac!), r);
  }
  return targets;
}

/** The member an operation is about (read ahead with its batch, or now), in the caller's scope. */
async function findTarget(ctx: PortalContext, principal: Principal, op: ImportOperation, known: Preloaded) {
  const key = targetKey(ctx, op);
  if (!key)
    throw new AppError(
      422,
      "unprocessable",
      "needs an employee number or the subscriber's SSN to find the member",
      [{ path: "employeeNumber", message: "is required (or the subscriber's SSN)" }],
    );
  const row = await known.target(principal, op, key);
  if (!row) return undefined;
  // Out of the caller's scope is "not found", exactly as on the single-member routes.
  const what = op.employeeNumber ? `employee number ${op.employeeNumber}` : "the subscriber's SSN";
  requireInScope(
    principal,
    { employerId: principal.employerId, groupId: row.group_id, locationId: row.location_id },
    `member with ${what}`,
  );
  return row.id;
}

async function runOperation(
  ctx: PortalContext,
  principal: Principal,
  op: ImportOperation,
  lookups: CatalogLookups,
  known: Preloaded,
  write: enrollment.EnrollWrite = true,
): Promise<ImportResult> {
  const memberId = await findTarget(ctx, principal, op, known);
  const done = (outcome: ImportResult["outcome"], id: string, changes: string[]): ImportResult => ({
    ref: op.ref,
    outcome,
    memberId: id,
    changes,
    error: null,
  });
  if (!memberId) {
    if (op.action === "change" || op.action === "terminate")
      throw notFound(
        op.employeeNumber ? `member with employee number ${op.employeeNumber}` : "member with that SSN",
      );
    const added = await enrollment.enrollMember(ctx, principal, enrollInput(op), lookups, { write });
    return done("added", added.memberId, [
      `enroll ${added.planCode} tier ${added.tier}, ${added.people} person(s)`,
    ]);
  }
  if (op.action === "add")
    throw new AppError(
      409,
      "duplicate_employee_number",
      `already enrolled as member ${memberId}; use action change or leave the action blank`,
    );
  if (op.action === "terminate") {
    requireFeature(principal, "enrollment.cancel");
    if (!op.terminate)
      throw new AppError(422, "unprocessable", "terminate needs a termination date", [
        { path: "terminate.date", message: "is required" },
      ]);
    const record = await known.record(principal, memberId);
    if (record.member.termination_date === op.terminate.date) return done("unchanged", memberId, []);
    await cancelMember(ctx, principal, memberId, {
      terminationDate: op.terminate.date,
      reason: op.terminate.reason,
    });
    return done("terminated", memberId, [`terminate after ${op.terminate.date} (${op.terminate.reason})`]);
  }
  const changes = await changeMember(ctx, principal, memberId, op, lookups, known);
  return done(changes.length ? "changed" : "unchanged", memberId, changes);
}

/**
 * The fields an object schema needs (undefined fails) and those it fills in when left out (with the value
 * parsing undefined gives).
 */
function presenceOf(schema: z.ZodObject) {
  const required: string[] = [];
  const defaults: [string, z.ZodType][] = [];
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const empty = field.safeParse(undefined);
    if (!empty.success) required.push(key);
    else if (empty.data !== undefined) defaults.push([key, field]);
  }
  return { required, defaults };
}
const ENROLL_PRESENCE = {
  request: presenceOf(EnrollRequest),
  subscriber: presenceOf(SubscriberInput),
  dependent: presenceOf(DependentInput),
};
type Presence = ReturnType<typeof presenceOf>;
const hasAll = (value: Record<string, unknown>, fields: Presence) =>
  fields.required.every((key) => value[key] !== undefined);
/** The defaults filled in, and undefined fields left out, as a parse leaves them. */
const complete = (value: Record<string, unknown>, fields: Presence) => {
  for (const [key, field] of fields.defaults) value[key] ??= field.parse(undefined);
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
};

/** An add's fields in EnrollRequest's shape (a new object each time: enrollInput fills it in). */
export function enrollFields(op: ImportOperation, subscriber: ImportSubscriber): Record<string, unknown> {
  const { line: _line, ...person } = subscriber;
  return {
    groupNumber: op.groupNumber,
    subgroup: op.subgroup,
    location: op.location,
    plan: op.plan,
    effectiveDate: op.effectiveDate,
    employeeNumber: op.employeeNumber,
    hireDate: op.hireDate,
    employmentStatus: op.employmentStatus,
    subscriber: person,
    dependents: op.dependents
      .filter((d) => !d.terminate)
      .map(({ line: _l, effectiveDate: _e, terminate: _t, ...d }) => d),
  };
}

/**
 * The enrollment an add asks for. The batch's schema already checked every field the operation carries,
 * with the field schemas EnrollRequest is made of (contract/imports.ts builds on them); what enrolling
 * adds is which fields must be there, and their defaults. So when every field EnrollRequest needs is
 * there, the operation is taken as it is with the defaults filled in: parsing it again cost ~1 s of the
 * event loop per 100,000 members. When one is missing, EnrollRequest itself answers, with its messages.
 * (test/unit/import-enroll-input.test.ts holds both ways to the same answer.)
 */
export function enrollInput(op: ImportOperation): EnrollRequest {
  if (!op.subscriber)
    throw new AppError(422, "unprocessable", "has no subscriber row: a new member needs one", [
      { path: "subscriber", message: "is required to enroll a new member" },
    ]);
  const request = enrollFields(op, op.subscriber);
  type Part = [Record<string, unknown>, Presence];
  const parts: Part[] = [
    [request, ENROLL_PRESENCE.request],
    [request.subscriber as Record<string, unknown>, ENROLL_PRESENCE.subscriber],
    ...(request.dependents as Record<string, unknown>[]).map((d): Part => [d, ENROLL_PRESENCE.dependent]),
  ];
  if (parts.every(([value, fields]) => hasAll(value, fields))) {
    for (const [value, fields] of parts) complete(value, fields);
    return request as EnrollRequest;
  }
  const parsed = EnrollRequest.safeParse(request);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({
      path: i.path.join(".") || "operation",
      message: i.message.replace(/^Invalid input: expected \w+, received undefined$/, "is required"),
    }));
    throw new AppError(
      422,
      "unprocessable",
      `${details[0]!.path} ${details[0]!.message} (to enroll a new member)`,
      details,
    );
  }
  return parsed.data;
}

type PersonWanted = Omit<ImportSubscriber, "line">;

/** The demographic fields of `wanted` that differ from the person row (only fields the file gives). */
function demographicDiff(p: PersonRow, wanted: PersonWanted) {
  const diff: Record<string, unknown> = {};
  const same = (a: string | null, b: string | undefined) => b === undefined || (a ?? "") === b;
  if (!same(p.first_name, wanted.firstName)) diff.firstName = wanted.firstName;
  if (!same(p.middle_name, wanted.middleName)) diff.middleName = wanted.middleName;
  if (!same(p.last_name, wanted.lastName)) diff.lastName = wanted.lastName;
  if (!same(p.marital_status, wanted.maritalStatus)) diff.maritalStatus = wanted.maritalStatus;
  if (wanted.email !== undefined && (p.email ?? "").toLowerCase() !== wanted.email.toLowerCase())
    diff.email = wanted.email;
  if (!same(p.phone, wanted.phone)) diff.phone = wanted.phone;
  if (wanted.address) {
    const a = p.address ? (JSON.parse(p.address) as Record<string, string | undefined>) : {};
    const w = wanted.address;
    if (
      (a.line1 ?? "") !== w.line1 ||
      (a.line2 ?? "") !== (w.line2 ?? "") ||
      (a.city ?? "") !== w.city ||
      (a.state ?? "") !== w.state ||
      (a.zip ?? "") !== w.zip
    )
      diff.address = w;
  }
  return diff;
}

function describe(who: string, p: PersonRow, diff: Record<string, unknown>): string[] {
  const old: Record<string, unknown> = {
    firstName: p.first_name,
    middleName: p.middle_name,
    lastName: p.last_name,
    maritalStatus: p.marital_status,
    email: p.email,
    phone: p.phone,
    address: p.address
      ? Object.values(JSON.parse(p.address) as object)
          .filter(Boolean)
          .join(", ")
      : null,
  };
  return Object.entries(diff).map(([k, v]) => {
    const to =
      k === "address"
        ? Object.values(v as object)
            .filter(Boolean)
            .join(", ")
        : String(v);
    return `${who}.${k}: ${String(old[k] ?? "")} → ${to}`;
  });
}

/** Immutable facts the file may repeat but not change through an import. */
function refuseImmutable(ctx: PortalContext, p: PersonRow, wanted: PersonWanted, path: string) {
  const problems: { path: string; message: string }[] = [];
  if (wanted.dateOfBirth && wanted.dateOfBirth !== p.date_of_birth)
    problems.push({
      path: `${path}.dateOfBirth`,
      message: `differs from the portal's (${p.date_of_birth}); dates of birth are corrected by the insurer, not by import`,
    });
  if (wanted.sex && wanted.sex !== p.sex)
    problems.push({
      path: `${path}.sex`,
      message: `differs from the portal's (${p.sex}); not changeable by import`,
    });
  if (wanted.ssn && p.ssn_hmac && ctx.pii.lookupHash(wanted.ssn) !== p.ssn_hmac)
    problems.push({
      path: `${path}.ssn`,
      message: `differs from the SSN on file (***-**-${p.ssn_last4 ?? "????"}); SSN corrections go through the insurer`,
    });
  return problems;
}

async function version(ctx: PortalContext, memberId: string): Promise<number> {
  const r = await ctx.db
    .selectFrom("members")
    .select("version")
    .where("id", "=", memberId)
    .executeTakeFirstOrThrow();
  return r.version;
}

function matchDependent(ctx: PortalContext, record: MemberRecord, d: ImportDependent): PersonRow | undefined {
  const deps = record.people.filter((p) => p.relationship !== "subscriber");
  if (d.ssn) {
    const hmac = ctx.pii.lookupHash(d.ssn);
    const bySsn = deps.filter((p) => p.ssn_hmac === hmac);
    return bySsn.find((p) => p.status === "active") ?? bySsn[0];
  }
  const byName = deps.filter(
    (p) => p.first_name.toLowerCase() === d.firstName?.toLowerCase() && p.date_of_birth === d.dateOfBirth,
  );
  return byName.find((p) => p.status === "active") ?? byName[0];
}

/** "Make it so" for an existing member: each difference through the service that owns it. */
async function changeMember(
  ctx: PortalContext,
  principal: Principal,
  memberId: string,
  op: ImportOperation,
  lookups: CatalogLookups,
  known: Preloaded,
): Promise<string[]> {
  let record = await known.record(principal, memberId);
  const { member } = record;
  const subscriber = record.people.find((p) => p.relationship === "subscriber")!;
  const changes: string[] = [];
  const problems: { path: string; message: string }[] = [];
  const place = await known.place(memberId);
  if (op.groupNumber && op.groupNumber !== place.group_number)
    problems.push({
      path: "groupNumber",
      message: `differs from the member's (${place.group_number}); moving a member to another group is cancel + enroll`,
    });
  if (op.subgroup && op.subgroup !== (place.subgroup ?? ""))
    problems.push({
      path: "subgroup",
      message: `differs from the member's (${place.subgroup ?? "none"}); not changeable by import`,
    });
  if (op.location && op.location !== place.location)
    problems.push({
      path: "location",
      message: `differs from the member's (${place.location}); not changeable by import`,
    });
  if (op.hireDate && op.hireDate !== member.hire_date)
    problems.push({
      path: "hireDate",
      message: `differs from the member's (${member.hire_date}); not changeable by import`,
    });
  if (op.employeeNumber && op.employeeNumber !== member.employee_number)
    problems.push({
      path: "employeeNumber",
      message: `differs from the member found by SSN (${member.employee_number})`,
    });
  if (op.subscriber) problems.push(...refuseImmutable(ctx, subscriber, op.subscriber, "subscriber"));
  if (problems.length)
    throw new AppError(422, "unprocessable", `${problems[0]!.path} ${problems[0]!.message}`, problems);

  // Plan first: PCPs of the new plan travel with it.
  if (op.plan && op.plan !== place.planCode) {
    if (!op.effectiveDate)
      throw new AppError(422, "unprocessable", "effectiveDate is required to change the plan", [
        { path: "effectiveDate", message: "is required with a new plan (first of a month)" },
      ]);
    const pcps: { personId: string; provider: string }[] = [];
    if (op.subscriber?.pcp) pcps.push({ personId: subscriber.id, provider: op.subscriber.pcp });
    for (const d of op.dependents) {
      const p = matchDependent(ctx, record, d);
      if (p && d.pcp && p.status === "active") pcps.push({ personId: p.id, provider: d.pcp });
    }
    await enrollment.changePlan(ctx, principal, memberId, {
      plan: op.plan,
      effectiveDate: op.effectiveDate,
      pcps,
    });
    changes.push(`plan: ${place.planCode} → ${op.plan} from ${op.effectiveDate}`);
    record = await loadMember(ctx.db, principal, memberId);
  }
  if (op.subscriber) {
    const diff = demographicDiff(subscriber, op.subscriber);
    const statusChange = op.employmentStatus && op.employmentStatus !== member.employment_status;
    if (Object.keys(diff).length || statusChange) {
      await enrollment.updateMember(ctx, principal, memberId, {
        version: await version(ctx, memberId),
        ...diff,
        ...(statusChange ? { employmentStatus: op.employmentStatus as "full-time" } : {}),
      });
      changes.push(...describe("subscriber", subscriber, diff));
      if (statusChange)
        changes.push(`employmentStatus: ${member.employment_status} → ${op.employmentStatus}`);
    }
    const current = record.people.find((p) => p.id === subscriber.id)!;
    if (
      op.subscriber.pcp &&
      ((await lookups.provider(ctx.db, op.subscriber.pcp))?.id ?? null) !== current.pcp_provider_id
    ) {
      await enrollment.changePcp(ctx, principal, memberId, {
        personId: subscriber.id,
        provider: op.subscriber.pcp,
      });
      changes.push(`subscriber.pcp → ${op.subscriber.pcp}`);
    }
  } else if (op.employmentStatus && op.employmentStatus !== member.employment_status) {
    await enrollment.updateMember(ctx, principal, memberId, {
      version: await version(ctx, memberId),
      employmentStatus: op.employmentStatus as "full-time",
    });
    changes.push(`employmentStatus: ${member.employment_status} → ${op.employmentStatus}`);
  }
  for (const [i, d] of op.dependents.entries()) {
    const who = `${d.relationship} ${d.firstName ?? ""}`.trim();
    const p = matchDependent(ctx, record, d);
    if (d.terminate) {
      if (!p) throw notFound(`dependent ${d.firstName ?? `#${i + 1}`} of member ${memberId}`);
      if (p.status !== "active" && p.coverage_end === d.terminate.date) continue;
      await enrollment.removeDependent(ctx, principal, memberId, p.id, {
        coverageEndDate: d.terminate.date,
        reason:
          d.terminate.reason === "divorce" || d.terminate.reason === "death" ? d.terminate.reason : "other",
      });
      changes.push(`${who}: coverage ends ${d.terminate.date}`);
      continue;
    }
    // Someone whose coverage ended with the member (terminated, COBRA) or was removed is left as is.
    if (p && p.status !== "active") continue;
    if (!p) {
      const { line: _l, effectiveDate, terminate: _t, ...dependent } = d;
      const when = effectiveDate ?? op.effectiveDate;
      if (!when)
        throw new AppError(422, "unprocessable", `dependents.${i}.effectiveDate is required to add ${who}`, [
          {
            path: `dependents.${i}.effectiveDate`,
            message: "is required to add a dependent (first of a month)",
          },
        ]);
      const parsed = DependentInput.safeParse(dependent);
      if (!parsed.success) {
        const details = parsed.error.issues.map((x) => ({
          path: `dependents.${i}.${x.path.join(".")}`,
          message: x.message.replace(/^Invalid input: expected \w+, received undefined$/, "is required"),
        }));
        throw new AppError(
          422,
          "unprocessable",
          `${details[0]!.path} ${details[0]!.message} (to add a dependent)`,
          details,
        );
      }
      await enrollment.addDependent(ctx, principal, memberId, {
        dependent: parsed.data,
        effectiveDate: when,
      });
      changes.push(`${who}: added from ${when}`);
      continue;
    }
    const immutable = refuseImmutable(ctx, p, d, `dependents.${i}`);
    if (immutable.length)
      throw new AppError(422, "unprocessable", `${immutable[0]!.path} ${immutable[0]!.message}`, immutable);
    const diff = demographicDiff(p, d);
    const disabledChange = d.disabled !== undefined && (p.disabled === 1) !== d.disabled;
    const ssnAdd = d.ssn && !p.ssn_hmac;
    if (Object.keys(diff).length || disabledChange || ssnAdd) {
      await enrollment.updateDependent(ctx, principal, memberId, p.id, {
        version: await version(ctx, memberId),
        ...diff,
        ...(disabledChange ? { disabled: d.disabled } : {}),
        ...(ssnAdd ? { ssn: d.ssn } : {}),
      });
      changes.push(...describe(who, p, diff));
      if (disabledChange) changes.push(`${who}.disabled → ${d.disabled ? "yes" : "no"}`);
      if (ssnAdd) changes.push(`${who}.ssn added`);
    }
    if (
      d.pcp &&
      place.requires_pcp &&
      ((await lookups.provider(ctx.db, d.pcp))?.id ?? null) !== p.pcp_provider_id &&
      !(op.plan && op.plan !== place.planCode)
    ) {
      await enrollment.changePcp(ctx, principal, memberId, { personId: p.id, provider: d.pcp });
      changes.push(`${who}.pcp → ${d.pcp}`);
    }
  }
  return changes;
}

// ---------------------------------------------------------------- export

/** Members in the caller's scope in member-ID order (optionally only those changed since a day), full details. */
export async function exportMembers(
  ctx: PortalContext,
  principal: Principal,
  input: Out<typeof MemberExportRequest>,
): Promise<Out<typeof MemberExportResponse>> {
  const { scope } = principal;
  let q = ctx.db
    .selectFrom("members")
    .select(["id", "group_id", "location_id"])
    .where("employer_id", "=", principal.employerId);
  if (!scope.employerWide) {
    if (scope.groupIds.size) q = q.where("group_id", "in", [...scope.groupIds]);
    if (scope.locationIds.size) q = q.where("location_id", "in", [...scope.locationIds]);
    if (!scope.groupIds.size && !scope.locationIds.size) return { members: [], nextCursor: null };
  }
  if (input.since) q = q.where("updated_at", ">=", input.since);
  if (input.groupNumber) {
    q = q.where("group_id", "in", (eb) =>
      eb
        .selectFrom("groups")
        .select("id")
        .where("employer_id", "=", principal.employerId)
        .where("group_number", "=", input.groupNumber!),
    );
  }
  if (input.cursor) q = q.where("id", ">", input.cursor);
  const rows = await q
    .orderBy("id")
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit).filter((r) =>
    inScope(principal, {
      employerId: principal.employerId,
      groupId: r.group_id,
      locationId: r.location_id,
    }),
  );
  const members: MemberDetail[] = [];
  for (const r of page) members.push(await memberDetail(ctx.db, await loadMember(ctx.db, principal, r.id)));
  return { members, nextCursor: rows.length > input.limit ? rows[input.limit - 1]!.id : null };
}
