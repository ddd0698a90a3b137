import { createHash, randomUUID } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";

/**
 * No double charges: before the first attempt of a money-moving request, its Idempotency-Key is written to
 * `payments-journal.json` in the config dir (fsync'd), under a fingerprint of the request (portal, profile,
 * route, body). A retry, or a re-run of the same command after a crash or timeout, finds the pending entry
 * and sends the same key, so the portal answers the first attempt's result instead of paying again. The
 * entry is removed once the portal gave a definitive answer. Pending entries older than REUSE_MS are
 * dropped (the portal keeps keys 30 days; a day is plenty for "run it again").
 */
const REUSE_MS = 24 * 3_600_000;

interface Entry {
  fingerprint: string;
  key: string;
  route: string;
  startedAt: string;
}
interface Journal {
  pending: Entry[];
}

export class PaymentJournal {
  constructor(readonly dir: string) {}

  get file(): string {
    return join(this.dir, "payments-journal.json");
  }

  private read(): Journal {
    try {
      const j = JSON.parse(readFileSync(this.file, "utf8")) as Partial<Journal>;
      return { pending: Array.isArray(j.pending) ? j.pending : [] };
    } catch {
      return { pending: [] };
    }
  }

  /** Durable write: temp file, fsync, rename. */
  private write(j: Journal): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, JSON.stringify(j, null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }

  static fingerprint(parts: unknown[]): string {
    return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
  }

  /** The key for this request: the pending one from an earlier attempt, or a new one, persisted first. */
  begin(route: string, fingerprint: string, now = new Date()): { key: string; resumedFrom?: string } {
    const j = this.read();
    j.pending = j.pending.filter((e) => now.getTime() - Date.parse(e.startedAt) < REUSE_MS);
    const found = j.pending.find((e) => e.fingerprint === fingerprint && e.route === route);
    if (found) return { key: found.key, resumedFrom: found.startedAt };
    const entry = { fingerprint, key: randomUUID(), route, startedAt: now.toISOString() };
    j.pending.push(entry);
    this.write(j);
    return { key: entry.key };
  }

  /** The portal answered for good (success or a refusal): the next identical command is a new request. */
  finish(key: string): void {
    const j = this.read();
    const pending = j.pending.filter((e) => e.key !== key);
    if (pending.length !== j.pending.length) this.write({ pending });
  }
}
