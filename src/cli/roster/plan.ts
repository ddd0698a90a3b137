import type { ImportOperationInput, ImportResult } from "../../contract/imports.js";
import type { PortalClient } from "../../client/portal-client.js";
import { readRowBatches, type ReadOptions, type RosterSource } from "./read.js";

/*
 * Stage 2, planning: typed rows → one operation per member (a subscriber with its dependents), and
 * what the portal says each would do. Rows are tied by the subscriber's employee number (SSN when
 * there is none), in any order: a dependent may come before its subscriber. Two streaming passes: the
 * first reads every row with the cheap field checks (dates, SSNs Excel mangled, the action, the key)
 * and notes the last line of each member, terminations, duplicates and members with a bad row; the
 * second checks each row against the contract's schema too and emits a member's operation as soon as
 * its last row is read, so only members still open are held in memory. The schema check is the costly
 * part, and in the second pass it runs while the portal works on earlier batches.
 */

export interface Scan {
  dataRows: number;
  /** Rows the first pass found invalid (the schema check of the second may find more). */
  invalidRows: number;
  /** Members (keys) with no invalid row in the first pass. */
  operations: number;
  /** key → line of that member's last row */
  lastLine: Map<string, number>;
  /** key → first invalid line (the whole member is refused) */
  badKeys: Map<string, number>;
  /** line of a duplicate row → line of the first row for that person */
  duplicates: Map<number, number>;
  terminations: { line: number; label: string }[];
}

export async function scanRoster(source: RosterSource, opts: ReadOptions): Promise<Scan> {
  const scan: Scan = {
    dataRows: 0,
    invalidRows: 0,
    operations: 0,
    lastLine: new Map(),
    badKeys: new Map(),
    duplicates: new Map(),
    terminations: [],
  };
  // key → the member's people (personKey, line) and last line: one map lookup per row.
  const members = new Map<string, { people: string[]; lines: number[]; last: number }>();
  for await (const batch of readRowBatches(source, { ...opts, schema: false }))
    for (const row of batch) {
      scan.dataRows++;
      if (!row.ok) {
        scan.invalidRows++;
        if (row.key && !scan.badKeys.has(row.key)) scan.badKeys.set(row.key, row.line);
        continue;
      }
      let member = members.get(row.key);
      if (!member) members.set(row.key, (member = { people: [], lines: [], last: 0 }));
      const same = member.people.indexOf(row.personKey);
      if (same >= 0) {
        scan.duplicates.set(row.line, member.lines[same]!);
        scan.invalidRows++;
        continue;
      }
      member.people.push(row.personKey);
      member.lines.push(row.line);
      member.last = row.line;
      if (row.action === "terminate") scan.terminations.push({ line: row.line, label: row.label });
    }
  for (const [key, member] of members) if (!scan.badKeys.has(key)) scan.lastLine.set(key, member.last);
  scan.operations = scan.lastLine.size;
  return scan;
}

export interface SourceLine {
  line: number;
  cells: string[];
}
export type Planned =
  | { kind: "operation"; op: ImportOperationInput; rows: SourceLine[]; label: string }
  | { kind: "invalid"; rows: SourceLine[]; errors: string[] };

/** Second pass: operations in file order of their last row, and invalid rows as they come. */
export async function* plannedOperations(
  source: RosterSource,
  scan: Scan,
  opts: ReadOptions,
): AsyncGenerator<Planned> {
  const open = new Map<string, { op: ImportOperationInput; rows: SourceLine[]; label: string }>();
  // Members whose row failed the schema here (the first pass let it through): key → that line.
  const failedHere = new Map<string, number>();
  const otherRowInvalid = (line: number) => [
    `another row of this member (line ${line}) is invalid; fix it and import again`,
  ];
  for await (const batch of readRowBatches(source, opts))
    for (const row of batch) {
      const src = { line: row.line, cells: row.cells };
      if (!row.ok) {
        // The member's rows read so far go with it (its operation is not sent), in file order.
        const held = row.key ? open.get(row.key) : undefined;
        if (row.key && !scan.badKeys.has(row.key) && !failedHere.has(row.key)) {
          failedHere.set(row.key, row.line);
          if (held) {
            open.delete(row.key);
            yield { kind: "invalid", rows: held.rows, errors: otherRowInvalid(row.line) };
          }
        }
        yield { kind: "invalid", rows: [src], errors: row.errors };
        continue;
      }
      const bad = scan.badKeys.get(row.key) ?? failedHere.get(row.key);
      if (bad !== undefined) {
        yield { kind: "invalid", rows: [src], errors: otherRowInvalid(bad) };
        continue;
      }
      const dup = scan.duplicates.get(row.line);
      if (dup !== undefined) {
        yield {
          kind: "invalid",
          rows: [src],
          errors: [`duplicate row for the same person as line ${dup} (that one is used)`],
        };
        continue;
      }
      let group = open.get(row.key);
      if (!group) {
        group = { op: { ref: row.line, action: "change", dependents: [] }, rows: [], label: row.label };
        open.set(row.key, group);
      }
      merge(group, row.part, row.relationship === "subscriber", row.label);
      group.rows.push(src);
      if (scan.lastLine.get(row.key) === row.line) {
        open.delete(row.key);
        // ref: the member's first line, so results sort in file order and a resume finds the same refs.
        group.op.ref = group.rows[0]!.line;
        yield { kind: "operation", ...group };
      }
    }
}

function merge(
  group: { op: ImportOperationInput; label: string },
  part: ImportOperationInput,
  subscriber: boolean,
  label: string,
) {
  if (subscriber) {
    const dependents = group.op.dependents ?? [];
    group.op = { ...part, dependents };
    group.label = label;
  } else {
    group.op.employeeNumber ??= part.employeeNumber;
    group.op.dependents = [...(group.op.dependents ?? []), ...(part.dependents ?? [])];
  }
}

/**
 * Rows (people) per batch at most, whatever the operation count: a person is well under 1 KB of JSON, so a
 * batch stays far below the portal's 16 MB body limit and its transaction short, even when every member
 * brings many dependents.
 */
export const MAX_BATCH_ROWS = 10_000;

/**
 * Operations in the first batch at most. The portal has nothing to do until the first batch arrives, and
 * reading and checking 4,000 members takes the CLI ~0.6 s: the batches start small and double up to the
 * batch size, so the portal starts sooner and the next batch is ready when it is done.
 */
export const FIRST_BATCH = 500;

/**
 * Batches of at most `size` operations (the first FIRST_BATCH, doubling) and MAX_BATCH_ROWS rows (invalid
 * rows passed through as they come).
 */
export async function* batched(source: AsyncIterable<Planned>, size: number): AsyncGenerator<Planned[]> {
  let [batch, ops, rows] = [[] as Planned[], 0, 0];
  let limit = Math.min(size, FIRST_BATCH);
  const cut = () => {
    const full = batch;
    [batch, ops, rows] = [[], 0, 0];
    limit = Math.min(size, limit * 2);
    return full;
  };
  for await (const p of source) {
    if (p.kind === "operation" && ops > 0 && rows + p.rows.length > MAX_BATCH_ROWS) yield cut();
    batch.push(p);
    if (p.kind === "operation") [ops, rows] = [ops + 1, rows + p.rows.length];
    if (ops >= limit) yield cut();
  }
  if (batch.length) yield batch;
}

export const MAX_LISTED = 1000;

export interface PlanSummary {
  added: number;
  changed: number;
  unchanged: number;
  terminated: number;
  failed: number;
  invalid: number;
  lines: {
    kind: "add" | "change" | "terminate" | "failed" | "invalid";
    lines: number[];
    label: string;
    details: string[];
  }[];
}

/**
 * Asks the portal what each operation would do (nothing is written) and sums it up. One batch is read
 * from the file while the one before is planned; results are summed in file order.
 */
export async function planWithPortal(
  client: PortalClient,
  batches: AsyncIterable<Planned[]>,
  onProgress: (rows: number) => void,
  concurrency = 2,
): Promise<PlanSummary> {
  const summary: PlanSummary = {
    added: 0,
    changed: 0,
    unchanged: 0,
    terminated: 0,
    failed: 0,
    invalid: 0,
    lines: [],
  };
  // Memory must not grow with the file: the plan lists the first MAX_LISTED of each kind, and counts all.
  const listed = { add: 0, change: 0, terminate: 0, failed: 0, invalid: 0 };
  const ask = async (batch: Planned[]) => {
    const ops = batch.filter((p) => p.kind === "operation");
    return ops.length
      ? (await client.call("importPlan", { body: { operations: ops.map((o) => o.op) } })).results
      : [];
  };
  const sum = (batch: Planned[], results: ImportResult[]) => {
    const byRef = new Map<number, ImportResult>(results.map((r) => [r.ref, r]));
    for (const p of batch) {
      const lines = p.rows.map((r) => r.line);
      if (p.kind === "invalid") {
        summary.invalid += p.rows.length;
        if (listed.invalid++ < MAX_LISTED)
          summary.lines.push({ kind: "invalid", lines, label: "", details: p.errors });
        continue;
      }
      const r = byRef.get(p.op.ref)!;
      const kinds = { added: "add", changed: "change", terminated: "terminate", failed: "failed" } as const;
      if (r.outcome === "unchanged") {
        summary.unchanged++;
        continue;
      }
      summary[r.outcome]++;
      const details =
        r.outcome === "failed"
          ? [
              r.error?.message ?? "failed",
              ...(r.error?.details ?? []).slice(1).map((d) => `${d.path} ${d.message}`),
            ]
          : r.changes;
      if (listed[kinds[r.outcome]]++ < MAX_LISTED)
        summary.lines.push({ kind: kinds[r.outcome], lines, label: p.label, details });
    }
    onProgress(batch.reduce((n, p) => n + p.rows.length, 0));
  };
  const pending: { batch: Planned[]; results: Promise<ImportResult[]> }[] = [];
  for await (const batch of batches) {
    const results = ask(batch);
    // Awaited in its turn; a failure before then must not count as unhandled.
    results.catch(() => undefined);
    pending.push({ batch, results });
    if (pending.length >= concurrency) {
      const oldest = pending.shift()!;
      sum(oldest.batch, await oldest.results);
    }
  }
  for (const { batch, results } of pending) sum(batch, await results);
  return summary;
}
