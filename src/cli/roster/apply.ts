import { createHash } from "node:crypto";
import {
  createWriteStream,
  mkdirSync,
  readFileSync,
  writeFileSync,
  existsSync,
  type WriteStream,
} from "node:fs";
import { join } from "node:path";
import type { ImportResult } from "../../contract/imports.js";
import type { PortalClient } from "../../client/portal-client.js";
import type { Planned, SourceLine } from "./plan.js";

/*
 * Stage 3, applying: operations → batches → results. Each batch carries an idempotency key derived
 * from the file's hash and the batch's rows, so sending it again (a retry, a resume after a crash)
 * answers the stored results. Results go to three CSV files as they arrive; a local journal in the
 * config dir remembers the job so `member import resume` can continue it.
 */

export const batchKey = (fileSha256: string, refs: number[]) =>
  createHash("sha256")
    .update(`${fileSha256}:${refs.join(",")}`)
    .digest("base64url");

// ---------------------------------------------------------------- journal

export interface Journal {
  jobId: string;
  file: string;
  fileSha256: string;
  delimiter: string;
  resultsDir: string;
  allowTerminations: number;
  startedAt: string;
  finishedAt: string | null;
}

const journalDir = (configDir: string) => join(configDir, "imports");

export function saveJournal(configDir: string, journal: Journal): void {
  mkdirSync(journalDir(configDir), { recursive: true, mode: 0o700 });
  writeFileSync(
    join(journalDir(configDir), `${journal.jobId}.json`),
    JSON.stringify(journal, null, 2) + "\n",
    { mode: 0o600 },
  );
  writeFileSync(join(journalDir(configDir), "most-recent"), journal.jobId + "\n", { mode: 0o600 });
}

export function loadJournal(configDir: string, jobId: string | "most-recent"): Journal | undefined {
  const dir = journalDir(configDir);
  let id = jobId;
  if (id === "most-recent") {
    if (!existsSync(join(dir, "most-recent"))) return undefined;
    id = readFileSync(join(dir, "most-recent"), "utf8").trim();
  }
  const file = join(dir, `${id}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Journal) : undefined;
}

// ---------------------------------------------------------------- result files

export interface ResultFiles {
  success: string;
  failed: string;
  unprocessed: string;
}

/** A cell Excel would run as a formula: csv-stringify's `escape_formulas` list. */
const FORMULA_START = /^[-=+@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
/** A cell that must be quoted: it holds a quote, the delimiter or a line break. */
const NEEDS_QUOTES = /[",\r\n]/;
const SPECIAL = new RegExp(`${FORMULA_START.source}|${NEEDS_QUOTES.source}`);

/**
 * One CSV record, the text csv-stringify writes for it with `escape_formulas` (a property test in
 * roster-apply.test.ts holds the two equal). The result files of a 100,000-employee import are 244,004
 * records of ~26 cells: csv-stringify's general per-cell path (a cast, an options object and an array per
 * cell) took ~1.9 s of the CLI's ~12 s of CPU for them, this ~0.3 s.
 */
export function csvRecord(cells: readonly string[]): string {
  let record = "";
  for (let i = 0; i < cells.length; i++) {
    let cell = cells[i]!;
    if (SPECIAL.test(cell)) {
      if (FORMULA_START.test(cell)) cell = `'${cell}`;
      if (NEEDS_QUOTES.test(cell)) cell = `"${cell.replaceAll('"', '""')}"`;
    }
    record += i === 0 ? cell : `,${cell}`;
  }
  return record + "\n";
}

/**
 * `<job>-success.csv`, `<job>-failed.csv`, `<job>-unprocessed.csv`: the original row plus line and
 * outcome, every cell that Excel would run as a formula escaped. Records are written a few hundred at a
 * time (one write per flush, not per row).
 */
export class ResultWriter {
  static readonly #FLUSH_AT = 500;
  readonly paths: ResultFiles;
  readonly counts = { success: 0, failed: 0, unprocessed: 0 };
  readonly #files: Record<keyof ResultFiles, WriteStream>;
  readonly #pending: Record<keyof ResultFiles, string[]> = { success: [], failed: [], unprocessed: [] };
  readonly #width: number;

  private constructor(paths: ResultFiles, files: Record<keyof ResultFiles, WriteStream>, width: number) {
    this.paths = paths;
    this.#files = files;
    this.#width = width;
  }

  static open(dir: string, jobId: string, header: string[]): ResultWriter {
    mkdirSync(dir, { recursive: true });
    const paths = {
      success: join(dir, `${jobId}-success.csv`),
      failed: join(dir, `${jobId}-failed.csv`),
      unprocessed: join(dir, `${jobId}-unprocessed.csv`),
    };
    const extra = {
      success: ["line", "outcome", "member_id", "changes"],
      failed: ["line", "error"],
      unprocessed: ["line"],
    };
    const open = (name: keyof ResultFiles) => {
      const file = createWriteStream(paths[name]);
      file.write(csvRecord([...header, ...extra[name]]));
      return file;
    };
    const files = { success: open("success"), failed: open("failed"), unprocessed: open("unprocessed") };
    return new ResultWriter(paths, files, header.length);
  }

  /** The original cells, cut or padded to the header's width so the columns line up. */
  #cells(row: SourceLine): string[] {
    const cells = row.cells.slice(0, this.#width);
    while (cells.length < this.#width) cells.push("");
    return cells;
  }

  #add(name: keyof ResultFiles, cells: string[]) {
    this.counts[name]++;
    const pending = this.#pending[name];
    pending.push(csvRecord(cells));
    if (pending.length >= ResultWriter.#FLUSH_AT) this.#flush(name);
  }

  #flush(name: keyof ResultFiles) {
    const pending = this.#pending[name];
    if (!pending.length) return;
    this.#files[name].write(pending.join(""));
    this.#pending[name] = [];
  }

  /** Resolves once every file has written out what it buffered: memory must not grow when the disk lags. */
  async drained(): Promise<void> {
    await Promise.all(
      Object.values(this.#files).map((file) => (file.writableNeedDrain ? settled(file) : undefined)),
    );
  }

  success(rows: SourceLine[], r: ImportResult) {
    for (const row of rows)
      this.#add("success", [
        ...this.#cells(row),
        String(row.line),
        r.outcome,
        r.memberId ?? "",
        r.changes.join("; "),
      ]);
  }
  failed(rows: SourceLine[], message: string) {
    for (const row of rows) this.#add("failed", [...this.#cells(row), String(row.line), message]);
  }
  unprocessed(rows: SourceLine[]) {
    for (const row of rows) this.#add("unprocessed", [...this.#cells(row), String(row.line)]);
  }
  async close() {
    await Promise.all(
      (Object.keys(this.#files) as (keyof ResultFiles)[]).map((name) => {
        this.#flush(name);
        const file = this.#files[name];
        return new Promise<void>((resolve, reject) => {
          file.on("finish", resolve).on("error", reject);
          file.end();
        });
      }),
    );
  }
}

/** Drained, or closed (a write error ends the stream; close() reports it). */
function settled(file: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      file.off("drain", done).off("close", done);
      resolve();
    };
    file.on("drain", done).on("close", done);
  });
}

export function errorText(r: ImportResult): string {
  if (!r.error) return "";
  const more = r.error.details.slice(1).map((d) => `${d.path} ${d.message}`);
  return [r.error.message, ...more].join("; ");
}

// ---------------------------------------------------------------- progress

export class Progress {
  readonly #start = Date.now();
  #last = 0;
  done = 0;
  constructor(
    readonly total: number,
    readonly verb: string,
    private readonly quiet = false,
  ) {}
  add(rows: number) {
    this.done += rows;
    const now = Date.now();
    const tty = Boolean(process.stderr.isTTY);
    if (this.quiet || now - this.#last < (tty ? 250 : 5000)) return;
    this.#last = now;
    process.stderr.write((tty ? "\r\x1b[K" : "") + this.line() + (tty ? "" : "\n"));
  }
  line() {
    const secs = (Date.now() - this.#start) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const eta = rate > 0 ? Math.max(0, (this.total - this.done) / rate) : 0;
    const pct = this.total ? ((100 * this.done) / this.total).toFixed(1) : "100.0";
    const fmt = (s: number) =>
      s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.round(s)}s`;
    return `${this.verb} ${this.done.toLocaleString("en-US")}/${this.total.toLocaleString("en-US")} rows (${pct}%) · ${Math.round(rate).toLocaleString("en-US")} rows/s · ETA ${fmt(eta)}`;
  }
  /** The last word: the final count, on its own line. */
  finish() {
    if (this.quiet) return;
    process.stderr.write((process.stderr.isTTY ? "\r\x1b[K" : "") + this.line() + "\n");
  }
  get seconds() {
    return (Date.now() - this.#start) / 1000;
  }
}

// ---------------------------------------------------------------- apply

export interface ApplyOptions {
  client: PortalClient;
  jobId: string;
  fileSha256: string;
  batches: AsyncIterable<Planned[]>;
  writer: ResultWriter;
  progress: Progress;
  /** Results the portal already holds for this job (resume): those operations are not sent again. */
  known?: Map<number, ImportResult>;
  /** Stop sending (Ctrl-C, --wait ran out): the rest is written as unprocessed. */
  shouldStop: () => boolean;
  concurrency?: number;
}

export interface ApplyOutcome {
  added: number;
  changed: number;
  unchanged: number;
  terminated: number;
  failedOperations: number;
  stopped: boolean;
  /** The error that stopped sending (the portal unreachable…); the rest was written as unprocessed. */
  error?: unknown;
}

/** Sends batches (a few in flight, to keep the portal busy) and writes every row's result. */
export async function applyOperations(opts: ApplyOptions): Promise<ApplyOutcome> {
  const out: ApplyOutcome = {
    added: 0,
    changed: 0,
    unchanged: 0,
    terminated: 0,
    failedOperations: 0,
    stopped: false,
  };
  const inflight = new Set<Promise<void>>();
  const limit = opts.concurrency ?? 2;
  let failure: unknown;
  const record = (p: Extract<Planned, { kind: "operation" }>, r: ImportResult) => {
    if (r.outcome === "failed") {
      out.failedOperations++;
      opts.writer.failed(p.rows, errorText(r));
    } else {
      out[r.outcome]++;
      opts.writer.success(p.rows, r);
    }
  };
  for await (const batch of opts.batches) {
    if (out.stopped || opts.shouldStop()) {
      out.stopped = true;
      for (const p of batch)
        if (p.kind === "invalid") opts.writer.failed(p.rows, p.errors.join("; "));
        else opts.writer.unprocessed(p.rows);
      continue;
    }
    const send: Extract<Planned, { kind: "operation" }>[] = [];
    for (const p of batch) {
      if (p.kind === "invalid") {
        opts.writer.failed(p.rows, p.errors.join("; "));
        opts.progress.add(p.rows.length);
        continue;
      }
      const known = opts.known?.get(p.op.ref);
      if (known) {
        record(p, known);
        opts.progress.add(p.rows.length);
      } else send.push(p);
    }
    if (!send.length) continue;
    const idempotencyKey = batchKey(
      opts.fileSha256,
      send.map((p) => p.op.ref),
    );
    const task = (async () => {
      const res = await opts.client.call(
        "importBatch",
        { params: { jobId: opts.jobId }, body: { idempotencyKey, operations: send.map((p) => p.op) } },
        { idempotencyKey },
      );
      const byRef = new Map(res.results.map((r) => [r.ref, r]));
      for (const p of send) {
        record(p, byRef.get(p.op.ref)!);
        opts.progress.add(p.rows.length);
      }
    })().catch((err: unknown) => {
      failure ??= err;
      // Rows of a batch that never got an answer are unprocessed: resume sends them again.
      opts.writer.unprocessed(send.flatMap((p) => p.rows));
      out.stopped = true;
    });
    inflight.add(task);
    void task.finally(() => inflight.delete(task));
    if (inflight.size >= limit) await Promise.race(inflight);
    await opts.writer.drained();
  }
  await Promise.all(inflight);
  if (failure) out.error = failure;
  return out;
}
