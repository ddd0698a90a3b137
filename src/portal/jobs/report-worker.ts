import { createHash } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { readdir, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import type { ReportType } from "../../contract/reports.js";
import type { PortalContext } from "../context.js";
import type { Database } from "../db/index.js";
import { buildReportQuery, REPORT_DEFS, type ColumnDef } from "../db/report-queries.js";
import { principalFor } from "../services/auth.js";
import type { Principal } from "../services/access.js";
import { fileNameOf, RETENTION_DAYS, storedFile, type Parameters } from "../services/reports.js";

type ReportRow = Database["reports"];
const DAY_MS = 86_400_000;
/** A run interrupted this many times (the portal stopped while it ran) fails instead of starting again. */
const MAX_ATTEMPTS = 3;
/** The report reader's SQLite page cache (and so its sorter's in-memory budget), in KiB. */
const READER_CACHE_KB = 2048;

class Stopping extends Error {}

/** The owner's principal as of now (scope and features), or undefined when the account is not active. */
export async function ownerPrincipal(ctx: PortalContext, userId: string): Promise<Principal | undefined> {
  try {
    return await principalFor(ctx, userId, { kind: "session", familyId: "report-worker", expiresAt: "" });
  } catch {
    return undefined;
  }
}

const money = (cents: unknown) => {
  if (typeof cents !== "number") return cents;
  const abs = Math.abs(cents);
  return `${cents < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
};

/**
 * Runs queued reports one at a time, off the request path: a request only inserts a `queued` row and
 * kicks the worker. Rows are read through a read-only connection of their own (WAL: requests keep being
 * served) and streamed to a temporary file that is renamed into place when complete, so memory stays
 * flat whatever the number of rows and no partial file is ever visible.
 *
 * Restarts: a report left `running` by a stopped portal is queued again on start (after three
 * interruptions it fails), and its temporary file is removed. On close, the run in progress stops at
 * the next batch and goes back to `queued`.
 */
export class ReportWorker {
  #loop: Promise<void> | undefined;
  #again = false;
  #stopping = false;
  #reader: SQLite.Database | undefined;

  constructor(
    private readonly ctx: PortalContext,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Recovers from a previous process: re-queues interrupted runs and removes temporary files. */
  async recover(): Promise<void> {
    const { db } = this.ctx;
    await db
      .updateTable("reports")
      .set({
        status: "failed",
        error: "the portal stopped while this report ran, three times; request it again",
      })
      .where("status", "=", "running")
      .where("attempts", ">=", MAX_ATTEMPTS)
      .execute();
    await db
      .updateTable("reports")
      .set({ status: "queued", started_at: null })
      .where("status", "=", "running")
      .execute();
    const names = await readdir(this.ctx.files.reportsDir).catch(() => [] as string[]);
    for (const name of names)
      if (name.endsWith(".tmp")) await unlink(join(this.ctx.files.reportsDir, name)).catch(() => undefined);
  }

  /** Makes the worker look for queued reports (returns at once). */
  kick(): void {
    if (this.#stopping) return;
    if (this.#loop) {
      this.#again = true;
      return;
    }
    this.#loop = (async () => {
      // Off the request path: the request that kicked us answers first.
      await new Promise((r) => setImmediate(r));
      do {
        this.#again = false;
        while (!this.#stopping && (await this.runNext().catch((err) => (this.onError(err), false))));
      } while (this.#again && !this.#stopping);
    })().finally(() => {
      this.#loop = undefined;
    });
  }

  /** Waits until nothing is queued or running (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.#loop) await this.#loop;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
    this.#reader?.close();
    this.#reader = undefined;
  }

  private reader(): SQLite.Database {
    if (!this.#reader) {
      this.#reader = new SQLite(this.ctx.files.dbFile, { readonly: true, fileMustExist: true });
      this.#reader.pragma("busy_timeout = 5000");
      // Small page cache and the ORDER BY's sorter spilling to temporary files: this build's default
      // cache is 16 MB, and the sorter keeps as much in memory before spilling, so a large report
      // grew the portal's RSS by ~30-40 MB (whatever the row count). Rows are read once, in order;
      // a big cache buys nothing here.
      this.#reader.pragma(`cache_size = -${READER_CACHE_KB}`);
      this.#reader.pragma("temp_store = FILE");
    }
    return this.#reader;
  }

  /** Claims the oldest queued report and runs it; false when there was none. */
  private async runNext(): Promise<boolean> {
    const { db, clock } = this.ctx;
    const row = await db.transaction().execute(async (tx) => {
      const next = await tx
        .selectFrom("reports")
        .selectAll()
        .where("status", "=", "queued")
        .orderBy("requested_at")
        .orderBy("id")
        .limit(1)
        .executeTakeFirst();
      if (!next) return undefined;
      const started_at = clock.now().toISOString();
      await tx
        .updateTable("reports")
        .set({ status: "running", started_at, attempts: next.attempts + 1 })
        .where("id", "=", next.id)
        .execute();
      return { ...next, status: "running" as const, started_at };
    });
    if (!row) return false;
    const temp = `${storedFile(this.ctx, row)}.tmp`;
    try {
      const result = await this.generate(row, temp);
      await rename(temp, storedFile(this.ctx, row));
      const readyAt = clock.now();
      await db
        .updateTable("reports")
        .set({
          status: "ready",
          ready_at: readyAt.toISOString(),
          expires_at: new Date(readyAt.getTime() + RETENTION_DAYS * DAY_MS).toISOString(),
          row_count: result.rows,
          size_bytes: result.size,
          sha256: result.sha256,
          error: null,
        })
        .where("id", "=", row.id)
        .execute();
      if (row.notify)
        await this.notice(row, `is ready: ${result.rows} row(s), ${result.size} bytes`, readyAt);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      if (err instanceof Stopping) {
        await db
          .updateTable("reports")
          .set({ status: "queued", started_at: null })
          .where("id", "=", row.id)
          .execute();
        return false;
      }
      const e = err as NodeJS.ErrnoException;
      const message =
        e.code === "ENOSPC"
          ? "the portal's disk is full; the report could not be written"
          : e.code
            ? `the report file could not be written (${e.code})`
            : (e.message ?? String(err)).split("\n")[0]!;
      await db
        .updateTable("reports")
        .set({ status: "failed", error: message })
        .where("id", "=", row.id)
        .execute();
      if (row.notify) await this.notice(row, `failed: ${message}`, clock.now()).catch(() => undefined);
    }
    return true;
  }

  private async notice(row: ReportRow, what: string, at: Date): Promise<void> {
    const user = await this.ctx.db
      .selectFrom("users")
      .select(["email", "status"])
      .where("id", "=", row.user_id)
      .executeTakeFirst();
    if (!user || user.status !== "active") return;
    const title = REPORT_DEFS[row.type as ReportType].title;
    const ready = what.startsWith("is ready");
    await this.ctx.mailer.send({
      to: user.email,
      subject: `Report ${ready ? "ready" : "failed"}: ${title} (${row.period})`,
      text: [
        `Your report ${row.id} (${title}, ${row.period}, ${row.format.toUpperCase()}) ${what}.`,
        ready
          ? `Download it before ${new Date(at.getTime() + RETENTION_DAYS * DAY_MS).toISOString().slice(0, 10)}: hnctl report download ${row.id}`
          : "Request it again with `hnctl report request`.",
        ready ? `File name: ${fileNameOf(row)}` : "",
      ]
        .filter(Boolean)
        .join("\n"),
    });
  }

  private async generate(
    row: ReportRow,
    temp: string,
  ): Promise<{ rows: number; size: number; sha256: string }> {
    const principal = await ownerPrincipal(this.ctx, row.user_id);
    if (!principal) throw new Error("the requester's account is no longer active");
    if (!principal.features.has("reports.run")) throw new Error("the requester no longer holds reports.run");
    const def = REPORT_DEFS[row.type as ReportType];
    const params = JSON.parse(row.parameters) as Parameters;
    const { scope } = principal;
    const db = this.ctx.db;
    // Scope ∩ filters, as IDs. Group-level reports (invoices) have no location: location-scoped callers see none.
    let groupIds: string[] | null = null;
    if (params.groups.length) {
      const rows = await db
        .selectFrom("groups")
        .select("id")
        .where("employer_id", "=", row.employer_id)
        .where("group_number", "in", params.groups)
        .execute();
      groupIds = rows.map((g) => g.id);
    }
    if (!scope.employerWide && scope.groupIds.size)
      groupIds = (groupIds ?? [...scope.groupIds]).filter((g) => scope.groupIds.has(g));
    let locationIds: string[] | null = null;
    if (params.locations.length) {
      const rows = await db
        .selectFrom("locations")
        .select("id")
        .where("employer_id", "=", row.employer_id)
        .where("code", "in", params.locations)
        .execute();
      locationIds = rows.map((l) => l.id);
    }
    if (!scope.employerWide && scope.locationIds.size)
      locationIds = (locationIds ?? [...scope.locationIds]).filter((l) => scope.locationIds.has(l));
    const nothing =
      !scope.employerWide &&
      ((scope.groupIds.size === 0 && scope.locationIds.size === 0) ||
        (def.place === "group" && scope.locationIds.size > 0));
    const query = buildReportQuery(def, {
      employerId: row.employer_id,
      asOf: params.asOf,
      from: params.from,
      to: params.to,
      columns: params.columns,
      groupIds,
      locationIds,
      subgroups: params.subgroups,
      statuses: params.statuses,
      nothing,
    });
    const out = createWriteStream(temp, { flags: "wx", mode: 0o600 });
    const hash = createHash("sha256");
    let size = 0;
    const opened = new Promise<void>((resolve, reject) => {
      out.once("open", () => resolve());
      out.once("error", reject);
    });
    await opened;
    const stmt = this.reader().prepare(query.sql).raw(true);
    const rows = stmt.iterate(query.params) as IterableIterator<unknown[]>;
    const sink = new HashingSink(out, (chunk) => {
      hash.update(chunk);
      size += chunk.length;
    });
    let count: number;
    try {
      const values = (function* (stopping: () => boolean) {
        for (const r of rows) {
          if (stopping()) throw new Stopping();
          yield query.columns.map((c, i) => (c.money ? money(r[i]) : r[i]));
        }
      })(() => this.#stopping);
      count = await writeFormat(row.format, def.title, row, query.columns, values, sink);
      await sink.end();
    } catch (err) {
      rows.return?.();
      out.destroy();
      throw err;
    }
    return { rows: count, size, sha256: hash.digest("hex") };
  }
}

/** A write stream that hashes and counts what goes through it and waits for drain every so often. */
export class HashingSink {
  #error: Error | undefined;
  #written = 0;
  constructor(
    private readonly out: WriteStream,
    private readonly onChunk: (chunk: Buffer) => void,
  ) {
    out.on("error", (err) => (this.#error = err));
  }
  async write(data: string | Buffer): Promise<void> {
    if (this.#error) throw this.#error;
    const chunk = typeof data === "string" ? Buffer.from(data) : data;
    this.onChunk(chunk);
    this.#written++;
    if (!this.out.write(chunk))
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        this.out.once("error", onError);
        this.out.once("drain", () => {
          this.out.off("error", onError);
          resolve();
        });
      });
    // Yield now and then so requests keep being served while a large report runs.
    else if (this.#written % 64 === 0) await new Promise((r) => setImmediate(r));
  }
  async end(): Promise<void> {
    if (this.#error) throw this.#error;
    await new Promise<void>((resolve, reject) => {
      this.out.once("error", reject);
      this.out.end(() => resolve());
    });
    if (this.#error) throw this.#error;
  }
}

async function writeFormat(
  format: string,
  title: string,
  row: ReportRow,
  columns: ColumnDef[],
  values: Iterable<unknown[]>,
  sink: HashingSink,
): Promise<number> {
  if (format === "pdf") {
    const { writeReportPdf } = await import("../../shared/report-pdf.js");
    return writeReportPdf(
      { title, subtitle: `${row.type} - ${row.period} - ${row.id}`, columns: columns.map((c) => c.name) },
      values,
      sink,
    );
  }
  let count = 0;
  const BATCH = 500;
  if (format === "json") {
    const names = columns.map((c) => c.name);
    let buf = "[";
    for (const v of values) {
      const obj: Record<string, unknown> = {};
      names.forEach((n, i) => (obj[n] = v[i] ?? null));
      buf += (count ? ",\n" : "\n") + JSON.stringify(obj);
      if (++count % BATCH === 0) {
        await sink.write(buf);
        buf = "";
      }
    }
    await sink.write(buf + (count ? "\n]\n" : "]\n"));
    return count;
  }
  const { stringify } = await import("csv-stringify/sync");
  const opts = { escape_formulas: true };
  await sink.write(stringify([columns.map((c) => c.name)], opts));
  let batch: unknown[][] = [];
  for (const v of values) {
    batch.push(v.map((x) => (x === null || x === undefined ? "" : x)));
    if (++count % BATCH === 0) {
      await sink.write(stringify(batch, opts));
      batch = [];
    }
  }
  if (batch.length) await sink.write(stringify(batch, opts));
  return count;
}
