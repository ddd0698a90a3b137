import { parentPort, workerData } from "node:worker_threads";
import SQLite from "better-sqlite3";

/*
 * Copies the write-ahead log into the database file on a connection of its own, in a thread of its own,
 * so the writes and fsyncs of a checkpoint do not stop the portal's event loop. A bulk import writes
 * thousands of pages a second; checkpointing them on the writer's connection (SQLite's default, after
 * each commit past 1,000 pages) made commits cost more than the inserts in them.
 */
const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new SQLite(file);
db.pragma("busy_timeout = 5000");
// PASSIVE: copy what no reader still needs, never wait for or block the writer.
const checkpoint = () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // Busy or closing: the next round (or the writer's own backstop) takes it.
  }
};
const timer = setInterval(checkpoint, intervalMs);
parentPort!.on("message", () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort!.postMessage("closed");
});
