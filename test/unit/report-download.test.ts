import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { downloadReport } from "../../src/cli/reports.js";
import type { PortalClient } from "../../src/client/portal-client.js";

// downloadReport writes with writeSync and flushes with fdatasync and fsyncSync: spied on so a test can make
// the disk fail.
vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs")>();
  return {
    ...real,
    writeSync: vi.fn(real.writeSync),
    fsyncSync: vi.fn(real.fsyncSync),
    fdatasync: vi.fn(real.fdatasync),
  };
});

const body = Buffer.from("employee_number,group\n".repeat(1000));
const hashOf = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const sha256 = hashOf(body);
const report = { id: "rpt_1", sizeBytes: body.length, sha256 };

/** A client whose download hands `data` over in 4 KB chunks, each chunk's buffer overwritten afterwards
 *  (as the real client's reused read buffer is), then stops with `fail` if given. */
const fakeClient = (data: Buffer, opts: { sha?: string; fail?: Error; size?: number } = {}) =>
  ({
    download: async (_name: string, _input: unknown, onBody: (chunk: Buffer) => void) => {
      const reused = Buffer.alloc(4096);
      for (let at = 0; at < data.length; at += reused.length) {
        const n = data.copy(reused, 0, at);
        onBody(reused.subarray(0, n));
        reused.fill(0);
      }
      if (opts.fail) throw opts.fail;
      return { size: opts.size ?? data.length, headers: { "x-report-sha256": opts.sha ?? hashOf(data) } };
    },
  }) as unknown as PortalClient;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hnctl-download-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("downloadReport", () => {
  it("writes the file whole, mode 0600, checked, with no temporary file left", async () => {
    const target = join(dir, "roster.csv");
    expect(await downloadReport(fakeClient(body), report, target)).toEqual({
      file: target,
      size: body.length,
    });
    expect(readFileSync(target)).toEqual(body);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["roster.csv"]);
    expect(fs.fsyncSync).toHaveBeenCalled();
  });

  it("refuses to replace a file unless forced", async () => {
    const target = join(dir, "roster.csv");
    writeFileSync(target, "old");
    await expect(downloadReport(fakeClient(body), report, target)).rejects.toMatchObject({
      code: "file_exists",
    });
    expect(readFileSync(target, "utf8")).toBe("old");
    await downloadReport(fakeClient(body), report, target, { force: true });
    expect(readFileSync(target)).toEqual(body);
    expect(readdirSync(dir)).toEqual(["roster.csv"]);
  });

  it("a body cut short, a wrong checksum or a dropped connection: an error and no file at all", async () => {
    const target = join(dir, "roster.csv");
    await expect(
      downloadReport(fakeClient(body.subarray(0, 5000), { size: body.length }), report, target),
    ).rejects.toMatchObject({
      code: "download_incomplete",
      message: `the download of rpt_1 was cut short (5000 of ${body.length} bytes)`,
    });
    await expect(
      downloadReport(fakeClient(body, { sha: "0".repeat(64) }), report, target),
    ).rejects.toMatchObject({
      code: "checksum_mismatch",
    });
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    await expect(downloadReport(fakeClient(body, { fail: reset }), report, target)).rejects.toBe(reset);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a full disk, mid-file or when the data is flushed: a clear error and no partial file", async () => {
    const full = () => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    };
    const target = join(dir, "roster.csv");
    // The first 4 KB go in, the next write finds the disk full.
    const write = vi.mocked(fs.writeSync);
    write.mockImplementationOnce(write.getMockImplementation()!).mockImplementationOnce(full);
    await expect(downloadReport(fakeClient(body), report, target)).rejects.toMatchObject({
      code: "write_failed",
      message: `cannot write ${target}: the disk is full`,
    });
    expect(readdirSync(dir)).toEqual([]);
    vi.mocked(fs.fsyncSync).mockImplementationOnce(full);
    await expect(downloadReport(fakeClient(body), report, target)).rejects.toMatchObject({
      message: `cannot write ${target}: the disk is full`,
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a flush started in the background that fails fails the download, even if the last fsync succeeds", async () => {
    // Over 64 MB, so a flush starts during the download.
    const big = Buffer.alloc(65 * 1024 * 1024, "x");
    const eio = Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" });
    vi.mocked(fs.fdatasync).mockImplementationOnce(((_fd: number, cb: (err: Error) => void) => {
      setImmediate(() => cb(eio));
    }) as unknown as typeof fs.fdatasync);
    const target = join(dir, "big.csv");
    const bigReport = { id: "rpt_2", sizeBytes: big.length, sha256: hashOf(big) };
    await expect(downloadReport(fakeClient(big), bigReport, target)).rejects.toMatchObject({
      code: "write_failed",
      message: `cannot write ${target}: EIO: i/o error, fdatasync`,
    });
    expect(fs.fdatasync).toHaveBeenCalledTimes(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});
