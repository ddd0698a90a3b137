import * as Flags from "@oclif/core/flags";
import type { Report } from "../contract/reports.js";
import type { PortalClient } from "../client/portal-client.js";
import { CliError, ExitCode, usageError } from "./errors.js";
import { parseDate } from "./parse.js";

/** Report commands' shared pieces: criteria flags, waiting with a spinner, atomic downloads, the cron lock. */

export const REPORT_FORMATS = ["csv", "json", "pdf"] as const;

/** Exit code when another run holds the lock of the output folder (EX_TEMPFAIL: try again later). */
export const LOCKED_EXIT = 75;

export const criteriaFlags = {
  group: Flags.string({ description: "only this group, e.g. G1000001 (repeatable)", multiple: true }),
  subgroup: Flags.string({ description: "only this subgroup, e.g. SAL (repeatable)", multiple: true }),
  location: Flags.string({ description: "only this location, e.g. DET (repeatable)", multiple: true }),
  status: Flags.string({
    description: "only these statuses (see `report types`; repeatable)",
    multiple: true,
  }),
  columns: Flags.string({
    description: "columns in the order wanted, comma-separated (see `report types`)",
  }),
  format: Flags.option({ options: REPORT_FORMATS })({ description: "file format", default: "csv" }),
};

export const periodFlags = {
  from: Flags.string({ description: "first day of the period (YYYY-MM-DD, within the last two years)" }),
  to: Flags.string({ description: "last day of the period (included)" }),
  "as-of": Flags.string({
    description: "the day of an as-of report (default: today)",
    exclusive: ["from", "to"],
  }),
};

export const columnsOf = (raw?: string) =>
  raw
    ?.split(",")
    .map((c) => c.trim())
    .filter(Boolean);

export function requestBody(
  type: string,
  flags: {
    from?: string;
    to?: string;
    "as-of"?: string;
    group?: string[];
    subgroup?: string[];
    location?: string[];
    status?: string[];
    columns?: string;
    format?: string;
    notify?: boolean;
  },
) {
  return {
    type: type as Report["type"],
    ...(flags.from ? { from: parseDate("--from", flags.from) } : {}),
    ...(flags.to ? { to: parseDate("--to", flags.to) } : {}),
    ...(flags["as-of"] ? { asOf: parseDate("--as-of", flags["as-of"]) } : {}),
    ...(flags.group ? { groups: flags.group } : {}),
    ...(flags.subgroup ? { subgroups: flags.subgroup } : {}),
    ...(flags.location ? { locations: flags.location } : {}),
    ...(flags.status ? { statuses: flags.status } : {}),
    ...(flags.columns ? { columns: columnsOf(flags.columns) } : {}),
    format: (flags.format ?? "csv") as Report["format"],
    notify: Boolean(flags.notify),
  };
}

/** `90s`, `10m`, `2h` → milliseconds. */
export function parseWait(flag: string, value: string): number {
  const m = /^(\d+)(s|m|h)?$/.exec(value.trim());
  if (!m) throw usageError(`${flag} must be a duration like 90s, 10m or 1h (got "${value}")`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "s" | "m" | "h"];
}

/**
 * Polls until the report is ready (or failed/expired), with a spinner on stderr when it is a terminal.
 * Still queued or running at the deadline: exit 8 with the report ID to come back to.
 */
export async function waitForReport(
  client: PortalClient,
  id: string,
  timeoutMs: number,
  opts: { quiet?: boolean; pollMs?: number } = {},
): Promise<Report> {
  const deadline = Date.now() + timeoutMs;
  const spinner =
    !opts.quiet && process.stderr.isTTY
      ? (await import("ora")).default({ text: `report ${id}: queued`, stream: process.stderr }).start()
      : undefined;
  let delay = opts.pollMs ?? 250;
  try {
    for (;;) {
      const report = await client.call("reportGet", { params: { reportId: id } });
      if (spinner) spinner.text = `report ${id}: ${report.status}`;
      if (report.status === "ready") {
        spinner?.succeed(`report ${id}: ready (${report.rowCount} rows)`);
        return report;
      }
      if (report.status === "failed")
        throw new CliError(
          `report ${id} failed: ${report.error}`,
          ExitCode.error,
          "report_failed",
          "request it again",
        );
      if (report.status === "expired")
        throw new CliError(
          `report ${id} has expired`,
          ExitCode.notFound,
          "report_expired",
          "request it again",
        );
      if (Date.now() + delay > deadline) {
        spinner?.stop();
        throw new CliError(
          `report ${id} is still ${report.status}`,
          ExitCode.pending,
          "pending",
          `check later with \`hnctl report status ${id}\`, then \`hnctl report download ${id}\``,
        );
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  } finally {
    spinner?.stop();
  }
}

const cannotWrite = (target: string, err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  const why =
    e.code === "ENOENT"
      ? "the folder does not exist"
      : e.code === "ENOTDIR"
        ? "a part of the path is not a folder"
        : e.code === "EACCES" || e.code === "EPERM"
          ? "permission denied"
          : e.code === "ENOSPC"
            ? "the disk is full"
            : e.code === "EROFS"
              ? "the file system is read-only"
              : (e.message ?? String(err));
  return new CliError(
    `cannot write ${target}: ${why}`,
    ExitCode.error,
    "write_failed",
    "choose a folder you can write to",
  );
};

/** How much a download writes between two flushes to the disk started in the background. */
const FLUSH_EVERY = 64 * 1024 * 1024;

/**
 * Downloads a ready report to `target` atomically: a temporary file (mode 0600: reports hold PHI) next
 * to it, size and SHA-256 checked against what the portal announced, flushed to the disk, then linked
 * (or with `force` renamed) into place. Refuses to overwrite unless `force`. On any failure the temporary
 * file is removed: no partial file is left.
 */
export async function downloadReport(
  client: PortalClient,
  report: Pick<Report, "id" | "sizeBytes" | "sha256">,
  target: string,
  opts: { force?: boolean } = {},
): Promise<{ file: string; size: number }> {
  const { closeSync, fdatasync, fsyncSync, openSync, writeSync } = await import("node:fs");
  const { access, link, rename, unlink } = await import("node:fs/promises");
  const { dirname, basename, join, resolve } = await import("node:path");
  const { createHash } = await import("node:crypto");
  const file = resolve(target);
  if (
    !opts.force &&
    (await access(file).then(
      () => true,
      () => false,
    ))
  )
    throw new CliError(
      `${target} already exists`,
      ExitCode.invalid,
      "file_exists",
      "pass --force to replace it",
    );
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", 0o600);
  } catch (err) {
    throw cannotWrite(target, err);
  }
  let size = 0;
  // Every FLUSH_EVERY bytes a flush starts in the background (libuv's thread pool): the disk writes while
  // the download goes on, and the fsync at the end has at most that much left.
  let flushedAt = 0;
  let flushing: Promise<void> | undefined;
  let flushError: unknown;
  const flushInBackground = () => {
    flushedAt = size;
    flushing = new Promise((done) =>
      fdatasync(fd!, (err) => {
        flushError ??= err ?? undefined;
        flushing = undefined;
        done();
      }),
    );
  };
  try {
    const hash = createHash("sha256");
    // Each chunk is hashed and written as it arrives, synchronously: it is a view of the client's reused
    // read buffer (see httpDownload), and writing up to 1 MB into the page cache takes well under a
    // millisecond. No stream in between: no buffer allocated per chunk, no callback round trip.
    const res = await client.download("reportDownload", { params: { reportId: report.id } }, (chunk) => {
      hash.update(chunk);
      try {
        for (let at = 0; at < chunk.length;) at += writeSync(fd!, chunk, at);
      } catch (err) {
        throw cannotWrite(target, err);
      }
      size += chunk.length;
      if (!flushing && size - flushedAt >= FLUSH_EVERY) flushInBackground();
    });
    await flushing;
    const expectedSize = res.size ?? report.sizeBytes;
    const expectedSha = (res.headers["x-report-sha256"] as string | undefined) || report.sha256;
    if (expectedSize !== undefined && expectedSize !== null && size !== expectedSize)
      throw new CliError(
        `the download of ${report.id} was cut short (${size} of ${expectedSize} bytes)`,
        ExitCode.error,
        "download_incomplete",
        "try again",
      );
    if (expectedSha && hash.digest("hex") !== expectedSha)
      throw new CliError(
        `the download of ${report.id} does not match its checksum`,
        ExitCode.error,
        "checksum_mismatch",
        "try again",
      );
    // On the disk before it gets its name: after a crash the name must not point at a file the disk never
    // got (a scheduled download would then skip it as "already there"). A full disk can also surface only
    // here, when the file system allocates the blocks it deferred.
    try {
      if (flushError) throw flushError;
      fsyncSync(fd);
      const done = fd;
      fd = undefined;
      closeSync(done);
    } catch (err) {
      throw cannotWrite(target, err);
    }
    if (opts.force) await rename(temp, file);
    else
      // link + unlink: fails if the name appeared meanwhile (rename would silently replace it).
      await link(temp, file)
        .then(() => unlink(temp))
        .catch((err: NodeJS.ErrnoException) => {
          if (err.code === "EEXIST")
            throw new CliError(
              `${target} already exists`,
              ExitCode.invalid,
              "file_exists",
              "pass --force to replace it",
            );
          throw cannotWrite(target, err);
        });
    return { file, size };
  } catch (err) {
    await flushing;
    if (fd !== undefined)
      try {
        closeSync(fd);
      } catch {
        // the error that brought us here says more
      }
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/**
 * A lock file in the output folder, so two overlapping cron runs don't fight over it. A lock whose
 * process is gone (crashed, killed) is taken over. Returns the release function.
 */
export async function lockOutputDir(dir: string): Promise<() => Promise<void>> {
  const { open, readFile, unlink } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const lock = join(dir, ".hnctl-report.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(lock, "wx", 0o600);
      await fh.write(`${process.pid}\n`);
      await fh.close();
      return async () => {
        await unlink(lock).catch(() => undefined);
      };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== "EEXIST") throw cannotWrite(dir, err);
      const pid = Number((await readFile(lock, "utf8").catch(() => "")).trim());
      let alive = false;
      if (pid > 0)
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (k) {
          alive = (k as NodeJS.ErrnoException).code === "EPERM";
        }
      if (alive)
        throw new CliError(
          `another hnctl report run (pid ${pid}) is writing to ${dir}`,
          LOCKED_EXIT,
          "locked",
          "it will finish on its own; this run did nothing",
        );
      await unlink(lock).catch(() => undefined);
    }
  }
  throw new CliError(`cannot lock ${dir}`, LOCKED_EXIT, "locked");
}
