import SQLite from "better-sqlite3";
import {
  CompiledQuery,
  type Insertable,
  Kysely,
  type QueryResult,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type Transaction,
} from "kysely";
import { Migrator, type Migration } from "kysely/migration";
import { Worker } from "node:worker_threads";
import type { Database } from "./schema.js";
import * as m0001 from "./migrations/0001_foundation.js";
import * as m0002 from "./migrations/0002_enrollment.js";
import * as m0003 from "./migrations/0003_access.js";
import * as m0004 from "./migrations/0004_billing.js";
import * as m0005 from "./migrations/0005_import.js";
import * as m0006 from "./migrations/0006_payments.js";
import * as m0007 from "./migrations/0007_reports.js";
import * as m0008 from "./migrations/0008_short_lookup_hashes.js";

export type { Database } from "./schema.js";
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

/** Migrations are listed here (not read from a folder) so the built CLI needs no file globbing. */
const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_enrollment": m0002,
  "0003_access": m0003,
  "0004_billing": m0004,
  "0005_import": m0005,
  "0006_payments": m0006,
  "0007_reports": m0007,
  "0008_short_lookup_hashes": m0008,
};

/**
 * Kysely's SQLite connection prepares every query anew (`db.prepare(sql)`), which cost as much as running
 * it. This one keeps the most recently used statements by SQL text (Kysely's parameters are bound, so the
 * text repeats). Streams prepare their own statement: an iterator keeps its statement busy.
 */
export class CachingSqliteConnection implements DatabaseConnection {
  readonly #db: SQLite.Database;
  readonly #statements = new Map<string, SQLite.Statement>();
  readonly #size: number;

  constructor(db: SQLite.Database, size = 500) {
    this.#db = db;
    this.#size = size;
  }

  #prepare(sql: string): SQLite.Statement {
    let stmt = this.#statements.get(sql);
    if (stmt) {
      // Most recently used last: a Map keeps insertion order.
      this.#statements.delete(sql);
      if (stmt.busy) stmt = undefined;
    }
    stmt ??= this.#db.prepare(sql);
    this.#statements.set(sql, stmt);
    if (this.#statements.size > this.#size)
      this.#statements.delete(this.#statements.keys().next().value as string);
    return stmt;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const stmt = this.#prepare(sql);
    if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return {
      insertId: lastInsertRowid != null ? BigInt(lastInsertRowid) : undefined,
      numAffectedRows: changes != null ? BigInt(changes) : undefined,
      rows: [],
    };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const stmt = this.#db.prepare(sql);
    if (!stmt.reader) throw new Error("Sqlite driver only supports streaming of select queries");
    for (const row of stmt.iterate(parameters)) yield { rows: [row as R] };
  }
}

/** Write transactions take the write lock up front (BEGIN IMMEDIATE) so they never fail half-way on SQLITE_BUSY. */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #connection: CachingSqliteConnection;
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0] & { database: SQLite.Database }) {
    super(config);
    this.#connection = new CachingSqliteConnection(config.database);
  }
  override async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection;
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0] & { database: SQLite.Database };
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0] & { database: SQLite.Database }) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

export interface OpenedDatabase {
  db: Db;
  close(): Promise<void>;
}

/**
 * A thread that checkpoints the write-ahead log every second (see checkpoint-worker.ts). A page written
 * again before the next round is copied once: during a 100,000-employee import the thread used 4.6–4.8 s
 * of CPU copying every 250 ms, 1.6–1.9 s every second. Longer gaps save little more (1.1 s at 2 s) and
 * bring the log, which grows ~100 MB a second then, near the writer's 256 MB backstop below.
 */
function startCheckpointer(file: string) {
  const worker = new Worker(new URL("./checkpoint-worker.js", import.meta.url), {
    workerData: { file, intervalMs: 1000 },
  });
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once("message", () => void worker.terminate().then(() => resolve()));
        worker.once("error", () => resolve());
        worker.postMessage("stop");
      }),
  };
}

/** Opens (creating if needed) the SQLite database, sets the pragmas the portal relies on, and migrates. */
export async function openDatabase(
  file: string,
  opts: { checkpointInBackground?: boolean } = {},
): Promise<OpenedDatabase> {
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  // Savepoint journals (one per imported row) and sorts in memory rather than in temp files.
  sqlite.pragma("temp_store = MEMORY");
  // 64 MB of page cache (the default is 2 MB): a roster of 100,000 members keeps its indexes in memory.
  sqlite.pragma("cache_size = -65536");
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`database migration ${failed} failed: ${(error as Error).message}`);
  }
  const checkpointer =
    opts.checkpointInBackground && file !== ":memory:" ? startCheckpointer(file) : undefined;
  if (checkpointer) {
    // The thread copies the log into the database, but only the writer starts the log over, and only when
    // it begins a transaction with everything copied. During a bulk import that moment never comes, so
    // the writer checkpoints itself once the log passes this backstop, fsyncs included, on the event
    // loop. A 100,000-employee import, whole run: 40 MB, 206 fsyncs for 4.1 s; 256 MB, 50 fsyncs for 1.5 s.
    sqlite.pragma("wal_autocheckpoint = 65536");
    // Starting over, the log keeps its file up to 320 MB (the backstop and a batch): cut back to 64 MB, each
    // round of a bulk import grew the file again, and on ext4 appending cost more than writing over. A
    // portal-only 100,000-employee apply: 26.8 s instead of 29.1-29.5 s. Closing the portal removes the file.
    sqlite.pragma("journal_size_limit = 335544320");
  }
  return {
    db,
    close: async () => {
      await db.destroy();
      await checkpointer?.stop();
    },
  };
}

/**
 * A read whose SQL text is written once and run with new parameters: for checks a roster import runs for
 * every row, where Kysely's build and compile would cost more than SQLite takes to answer.
 */
export async function selectRows<R>(db: Db | Tx, text: string, params: unknown[]): Promise<R[]> {
  return (await db.executeQuery<R>(CompiledQuery.raw(text, params))).rows;
}

/** `?, ?, ?` for an `in (…)` list of n values. */
export const placeholders = (n: number) => Array<string>(n).fill("?").join(", ");

const insertTexts = new Map<string, string>();

/**
 * INSERT of rows that share their columns, the SQL text made once per table, columns and row count.
 * Kysely builds and compiles a query anew on every call (tens of µs, more than SQLite takes to insert);
 * the services a roster import runs for every row insert through this instead. Rows go `perStatement`
 * to a statement (default 500): every full chunk shares one SQL text, and a statement stays far below
 * SQLite's 32,766 parameters. `onConflict: "ignore"` is `on conflict do nothing` (uniqueness only).
 */
export async function insertRows<T extends keyof Database & string>(
  db: Db | Tx,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  opts: { onConflict?: "ignore"; perStatement?: number } = {},
): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]!) as (keyof Insertable<Database[T]> & string)[];
  const perStatement = opts.perStatement ?? 500;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.length <= perStatement ? rows : rows.slice(i, i + perStatement);
    const key = `${table}|${chunk.length}|${opts.onConflict ?? ""}|${columns.join(",")}`;
    let text = insertTexts.get(key);
    if (!text) {
      const one = `(${columns.map(() => "?").join(", ")})`;
      text =
        `insert into "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) values ` +
        Array<string>(chunk.length).fill(one).join(", ") +
        (opts.onConflict === "ignore" ? " on conflict do nothing" : "");
      insertTexts.set(key, text);
    }
    const params: unknown[] = [];
    for (const row of chunk) for (const c of columns) params.push(row[c] ?? null);
    await db.executeQuery(CompiledQuery.raw(text, params));
  }
}

/**
 * Rows to insert later in the same transaction, many to a statement: a roster import's new members are
 * collected here and inserted once per batch instead of four inserts per member. Tables are flushed in
 * the order they were first added to (members before the people that reference them), 50 rows to a
 * statement (a few SQL texts per table, each well under SQLite's 32,766 parameters).
 */
export class PendingRows {
  readonly #rows = new Map<keyof Database & string, unknown[]>();

  add<T extends keyof Database & string>(table: T, rows: readonly Insertable<Database[T]>[]): void {
    let list = this.#rows.get(table);
    if (!list) this.#rows.set(table, (list = []));
    list.push(...rows);
  }

  async flush(db: Tx): Promise<void> {
    for (const [table, rows] of this.#rows)
      await insertRows(db, table, rows as Insertable<Database[typeof table]>[], { perStatement: 50 });
    this.#rows.clear();
  }
}

/**
 * Runs `fn` in a write transaction, or inside the caller's when `db` already is one: a batch import
 * runs several service calls for one row as one transaction (all of the row or none of it).
 */
export function transact<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Tx) : db.transaction().execute(fn);
}
