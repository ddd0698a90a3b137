import { basename, dirname, resolve } from "node:path";
import { MAX_BATCH_OPERATIONS } from "../../contract/enums.js";
import type { ImportResult } from "../../contract/imports.js";
import type { PortalClient } from "../../client/portal-client.js";
import { CliError, ExitCode, usageError } from "../errors.js";
import { canPrompt } from "../prompt.js";
import { applyOperations, loadJournal, Progress, ResultWriter, saveJournal, type Journal } from "./apply.js";
import {
  batched,
  plannedOperations,
  planWithPortal,
  scanRoster,
  type PlanSummary,
  type Scan,
} from "./plan.js";
import { inspectFile, type RosterSource } from "./read.js";

/** The import as the commands run it: read → plan → apply (or resume), with the guards in between. */

export interface ImportEnv {
  client: PortalClient;
  configDir: string;
  note: (message: string) => void;
  quiet?: boolean;
}

/**
 * Members per request when applying: the portal's most, 4,000, in one transaction. Fewer, larger commits
 * write fewer log pages: a 100,000-employee import wrote 1.87 GB of log at 2,000 per commit and 1.24 GB
 * at 4,000. The write lock is held ~1 s per batch.
 */
export const DEFAULT_BATCH = MAX_BATCH_OPERATIONS;

/**
 * Members per plan request: a plan commits nothing, so larger requests save nothing, and the CLI's peak
 * RSS planning 100,000 employees was 214–234 MB at 2,000 against 244–277 MB at 4,000.
 */
export const DEFAULT_PLAN_BATCH = 2000;

export function parseWait(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /^(\d+)(s|m|h)$/.exec(text.trim());
  if (!m) throw usageError(`--wait ${text} is not a duration`, "e.g. 30s, 10m or 2h");
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "s" | "m" | "h"];
}

async function prepare(env: ImportEnv, file: string, delimiter: string | undefined) {
  const source = await inspectFile(file, delimiter);
  if (source.encoding === "windows-1252")
    env.note(`${basename(file)} is not UTF-8: reading it as Windows-1252 (Excel's "CSV").`);
  if (source.delimiter !== ",")
    env.note(`Delimiter: ${source.delimiter === "\t" ? "tab" : `'${source.delimiter}'`}.`);
  let header: string[] = [];
  const scan = await scanRoster(source, { warn: env.note, onHeader: (h) => (header = h) });
  return { source, scan, header };
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

// ---------------------------------------------------------------- dry run

export async function dryRun(env: ImportEnv, file: string, opts: { delimiter?: string; batchSize?: number }) {
  const { source, scan } = await prepare(env, file, opts.delimiter);
  const progress = new Progress(scan.dataRows, "Planned", env.quiet);
  const summary = await planWithPortal(
    env.client,
    batched(plannedOperations(source, scan, {}), opts.batchSize ?? DEFAULT_PLAN_BATCH),
    (n) => progress.add(n),
  );
  progress.finish();
  return { source, scan, summary, seconds: progress.seconds };
}

export function renderPlan(summary: PlanSummary, scan: Scan): string {
  const out: string[] = [];
  out.push(
    `Plan: ${summary.added} to add, ${summary.changed} to change, ${summary.terminated} to terminate, ` +
      `${summary.unchanged} unchanged, ${summary.failed} would fail, ${summary.invalid} invalid row(s) ` +
      `(${plural(scan.dataRows, "row")}, nothing was written).`,
  );
  const section = (kind: PlanSummary["lines"][number]["kind"], title: string, sign: string, max: number) => {
    const items = summary.lines.filter((l) => l.kind === kind);
    if (!items.length) return;
    out.push("", `${title}:`);
    for (const item of items.slice(0, max)) {
      out.push(`  ${sign} line ${item.lines.join(", ")}${item.label ? `  ${item.label}` : ""}`);
      for (const d of item.details) out.push(`      ${d}`);
    }
    if (items.length > max) out.push(`  … and ${items.length - max} more (--json lists all)`);
  };
  section("terminate", "To terminate", "-", Infinity);
  section("change", "To change", "~", 100);
  section("add", "To add", "+", 20);
  section("failed", "Would fail", "!", 100);
  section("invalid", "Invalid rows", "!", 100);
  return out.join("\n");
}

// ---------------------------------------------------------------- apply and resume

export interface RunOptions {
  delimiter?: string;
  resultsDir?: string;
  yes: boolean;
  allowTerminations?: number;
  waitMs?: number;
  batchSize?: number;
  concurrency?: number;
}

export interface RunSummary {
  jobId: string;
  rows: number;
  added: number;
  changed: number;
  unchanged: number;
  terminated: number;
  failedRows: number;
  unprocessedRows: number;
  seconds: number;
  resultFiles: { success: string; failed: string; unprocessed: string };
  stopped: "interrupted" | "wait" | "error" | null;
}

async function guardTerminations(scan: Scan, opts: RunOptions) {
  const n = scan.terminations.length;
  if (!n || opts.yes || (opts.allowTerminations ?? 0) >= n) return;
  const list = scan.terminations
    .slice(0, 10)
    .map((t) => `line ${t.line} ${t.label}`)
    .join("; ");
  const what = `${plural(n, "termination")} in the file (${list}${n > 10 ? "; …" : ""})`;
  if (!canPrompt())
    throw usageError(
      `${what}: pass --yes or --allow-terminations ${n} to apply them`,
      "see them first with --dry-run",
    );
  const { input } = await import("@inquirer/prompts");
  const answer = await input({ message: `${what}. Type ${n} to apply them` }, { output: process.stderr });
  if (answer.trim() !== String(n))
    throw new CliError("not confirmed; nothing was changed", ExitCode.usage, "not_confirmed");
}

function stopper(waitMs: number | undefined) {
  const state = { interrupted: false, timedOut: false };
  const deadline = waitMs ? Date.now() + waitMs : undefined;
  const onSigint = () => {
    if (state.interrupted) process.exit(ExitCode.interrupted);
    state.interrupted = true;
    process.stderr.write("\nStopping after the batches in flight (Ctrl-C again to quit at once)…\n");
  };
  process.on("SIGINT", onSigint);
  return {
    state,
    shouldStop: () => {
      if (deadline && Date.now() > deadline) state.timedOut = true;
      return state.interrupted || state.timedOut;
    },
    dispose: () => process.off("SIGINT", onSigint),
  };
}

async function execute(
  env: ImportEnv,
  journal: Journal,
  source: RosterSource,
  scan: Scan,
  header: string[],
  opts: RunOptions,
  known?: Map<number, ImportResult>,
): Promise<RunSummary> {
  const writer = ResultWriter.open(journal.resultsDir, journal.jobId, header);
  const progress = new Progress(scan.dataRows, "Imported", env.quiet);
  const stop = stopper(opts.waitMs);
  let outcome;
  try {
    outcome = await applyOperations({
      client: env.client,
      jobId: journal.jobId,
      fileSha256: source.sha256,
      batches: batched(plannedOperations(source, scan, {}), opts.batchSize ?? DEFAULT_BATCH),
      writer,
      progress,
      known,
      shouldStop: stop.shouldStop,
      concurrency: opts.concurrency,
    });
  } finally {
    stop.dispose();
    progress.finish();
    await writer.close();
  }
  const stopped = stop.state.interrupted
    ? "interrupted"
    : outcome.error
      ? "error"
      : stop.state.timedOut
        ? "wait"
        : null;
  if (!stopped && !writer.counts.unprocessed)
    saveJournal(env.configDir, { ...journal, finishedAt: new Date().toISOString() });
  const summary: RunSummary = {
    jobId: journal.jobId,
    rows: scan.dataRows,
    added: outcome.added,
    changed: outcome.changed,
    unchanged: outcome.unchanged,
    terminated: outcome.terminated,
    failedRows: writer.counts.failed,
    unprocessedRows: writer.counts.unprocessed,
    seconds: progress.seconds,
    resultFiles: writer.paths,
    stopped,
  };
  if (outcome.error) throw Object.assign(outcome.error as Error, { importSummary: summary });
  return summary;
}

export async function runImport(env: ImportEnv, file: string, opts: RunOptions): Promise<RunSummary> {
  const { source, scan, header } = await prepare(env, file, opts.delimiter);
  await guardTerminations(scan, opts);
  const job = await env.client.call("importJobCreate", {
    body: {
      fileName: basename(file),
      fileSha256: source.sha256,
      totalRows: scan.dataRows,
      totalOperations: scan.operations,
      format: "csv",
    },
  });
  const journal: Journal = {
    jobId: job.id,
    file: resolve(file),
    fileSha256: source.sha256,
    delimiter: source.delimiter,
    resultsDir: resolve(opts.resultsDir ?? dirname(resolve(file))),
    allowTerminations: opts.yes ? Number.MAX_SAFE_INTEGER : (opts.allowTerminations ?? 0),
    startedAt: new Date().toISOString(),
    finishedAt: null,
  };
  saveJournal(env.configDir, journal);
  env.note(
    `Import job ${job.id}: ${plural(scan.dataRows, "row")}, ${plural(scan.operations, "member")}${scan.invalidRows ? `, at least ${plural(scan.invalidRows, "invalid row")}` : ""}.`,
  );
  return execute(env, journal, source, scan, header, opts);
}

export async function resumeImport(
  env: ImportEnv,
  which: string | "most-recent",
  opts: Pick<RunOptions, "waitMs" | "batchSize" | "concurrency">,
): Promise<RunSummary> {
  const journal = loadJournal(env.configDir, which);
  if (!journal)
    throw new CliError(
      which === "most-recent"
        ? "no import to resume in this profile's config dir"
        : `no local journal for import job ${which}`,
      ExitCode.notFound,
      "not_found",
      "start one with `hnctl member import FILE.csv`",
    );
  const { source, scan, header } = await prepare(env, journal.file, journal.delimiter);
  if (source.sha256 !== journal.fileSha256)
    throw new CliError(
      `${journal.file} changed since job ${journal.jobId} started; resuming would mix two versions`,
      ExitCode.invalid,
      "file_changed",
      "import the new file as a new job: rows that already landed report unchanged",
    );
  const known = new Map<number, ImportResult>();
  let after = 0;
  for (;;) {
    const page = await env.client.call("importJobRows", {
      params: { jobId: journal.jobId },
      query: { after, limit: 5000 },
    });
    for (const r of page.results) known.set(r.ref, r);
    if (page.nextAfter === null) break;
    after = page.nextAfter;
  }
  env.note(
    `Resuming import job ${journal.jobId}: ${plural(known.size, "member")} already done, ${plural(Math.max(0, scan.operations - known.size), "member")} to go.`,
  );
  return execute(env, journal, source, scan, header, { yes: true, ...opts }, known);
}

export function renderSummary(s: RunSummary): string {
  const lines = [
    `${s.stopped === "interrupted" ? "Interrupted" : s.stopped === "wait" ? "Stopped (--wait ran out)" : s.stopped === "error" ? "Stopped" : "Done"} in ${s.seconds.toFixed(1)} s: ` +
      `${s.added} added, ${s.changed} changed, ${s.unchanged} unchanged, ${s.terminated} terminated (members); ` +
      `${plural(s.failedRows, "row")} failed, ${plural(s.unprocessedRows, "row")} unprocessed.`,
    `Results: ${s.resultFiles.success}`,
    `         ${s.resultFiles.failed}`,
    `         ${s.resultFiles.unprocessed}`,
  ];
  if (s.stopped) lines.push(`Continue with: hnctl member import resume --job-id ${s.jobId}`);
  return lines.join("\n");
}

export function exitCodeOf(s: RunSummary): number {
  if (s.stopped === "interrupted") return ExitCode.interrupted;
  if (s.stopped === "wait") return ExitCode.pending;
  if (s.failedRows) return ExitCode.partial;
  return ExitCode.ok;
}
