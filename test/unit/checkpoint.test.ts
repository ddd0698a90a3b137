import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import { afterEach, beforeEach, expect, it } from "vitest";

/*
 * `portal serve` checkpoints in a thread of its own, and the writer keeps a 256 MB backstop; what a burst
 * of writes leaves on disk must still shrink back. Imported from dist: the thread runs the built worker.
 */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hnctl-checkpoint-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("cuts the write-ahead log back to 64 MB once the checkpoint thread has copied a burst of 100 MB", async () => {
  const { openDatabase } = (await import(
    pathToFileURL(resolve("dist/portal/db/index.js")).href
  )) as typeof import("../../src/portal/db/index.js");
  const file = join(dir, "portal.db");
  const { db, close } = await openDatabase(file, { checkpointInBackground: true });
  try {
    await sql`create table burst (b blob)`.execute(db);
    // 100 MB in one transaction (the log cannot start over halfway): past the 64 MB limit, short of the
    // writer's own 256 MB backstop.
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < 100; i++) await sql`insert into burst values (randomblob(1048576))`.execute(tx);
    });
    const wal = () => statSync(`${file}-wal`).size;
    expect(wal()).toBeGreaterThan(100 * 1024 * 1024);
    // The thread copies every second; the next commit after it caught up starts the log over and cuts it.
    for (let tries = 0; tries < 40 && wal() > 64 * 1024 * 1024; tries++) {
      await new Promise((r) => setTimeout(r, 250));
      await sql`insert into burst values (1)`.execute(db);
    }
    expect(wal()).toBeLessThanOrEqual(64 * 1024 * 1024);
    const { rows } = await sql<{ n: number }>`select count(*) as n from burst`.execute(db);
    expect(rows[0]!.n).toBeGreaterThan(100);
  } finally {
    await close();
  }
});
