import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import { afterEach, beforeEach, expect, it } from "vitest";

/*
 * `portal serve` checkpoints in a thread of its own, and the writer keeps a 256 MB backstop; what a burst
 * of writes leaves on disk must still shrink back to the log's 320 MB limit (kept, not cut to less: a
 * bulk import writes over it again), and be gone once the portal closes. Imported from dist: the thread
 * runs the built worker.
 */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hnctl-checkpoint-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("keeps the write-ahead log's file up to 320 MB when it starts over, cuts a larger burst back, and removes it on close", async () => {
  const { openDatabase } = (await import(
    pathToFileURL(resolve("dist/portal/db/index.js")).href
  )) as typeof import("../../src/portal/db/index.js");
  const file = join(dir, "portal.db");
  const { db, close } = await openDatabase(file, { checkpointInBackground: true });
  const wal = () => statSync(`${file}-wal`).size;
  const LIMIT = 320 * 1024 * 1024;
  try {
    await sql`create table burst (b blob)`.execute(db);
    // 340 MB in one transaction (the log cannot start over halfway): past the limit.
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < 340; i++) await sql`insert into burst values (randomblob(1048576))`.execute(tx);
    });
    expect(wal()).toBeGreaterThan(340 * 1024 * 1024);
    // The thread copies every second; the next commit after it caught up starts the log over and cuts it.
    for (let tries = 0; tries < 80 && wal() > LIMIT; tries++) {
      await new Promise((r) => setTimeout(r, 250));
      await sql`insert into burst values (1)`.execute(db);
    }
    expect(wal()).toBeLessThanOrEqual(LIMIT);
    expect(wal()).toBeGreaterThan(256 * 1024 * 1024);
    const { rows } = await sql<{ n: number }>`select count(*) as n from burst`.execute(db);
    expect(rows[0]!.n).toBeGreaterThan(340);
  } finally {
    await close();
  }
  expect(existsSync(`${file}-wal`)).toBe(false);
});
