import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { PortalClient } from "../../src/client/portal-client.js";
import { applyOperations, csvRecord, Progress, ResultWriter } from "../../src/cli/roster/apply.js";
import type { Planned } from "../../src/cli/roster/plan.js";

/* The result files are written as answers arrive. Writes to a file stream are buffered in memory until
   the disk takes them, so the import waits for the buffers to drain before it sends the next batch:
   otherwise a slow disk would make the CLI's memory grow with the file. */

const dir = mkdtempSync(join(tmpdir(), "hnctl-apply-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = ["employee_number", "first_name", "notes"];
const WIDE = "x".repeat(2000);
/** Bytes on disk so far (a stream opens its file asynchronously). */
const onDisk = (file: string) => (existsSync(file) ? statSync(file).size : 0);

function operations(from: number, n: number): Planned[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: "operation" as const,
    op: { ref: from + i, action: "add" as const, dependents: [] },
    rows: [{ line: from + i, cells: [`E${from + i}`, "Ana", WIDE] }],
    label: `E${from + i}`,
  }));
}

describe("csvRecord", () => {
  // Cells built mostly from the characters that matter: quotes, delimiters, line breaks, apostrophes and
  // every character csv-stringify escapes as a formula's start (ASCII and full-width), among letters.
  const special = fc.constantFrom(..."\"',;\r\n\t -=+@\uFF1D\uFF0B\uFF0D\uFF20aZ9é");
  const cell = fc.oneof(
    fc.string({ unit: special, maxLength: 8 }),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: "grapheme", maxLength: 6 }),
  );
  const record = fc.array(cell, { minLength: 1, maxLength: 8 });

  it("writes what csv-stringify writes with escape_formulas, for any cells", () => {
    fc.assert(
      fc.property(record, (cells) => {
        expect(csvRecord(cells)).toBe(stringify([cells], { escape_formulas: true }));
      }),
      { numRuns: 5000 },
    );
  });

  it("reads back as the same cells, a formula's start behind an apostrophe", () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), (records) => {
        const text = records.map(csvRecord).join("");
        const back = parse(text, { relax_column_count: true }) as string[][];
        const escaped = (c: string) => (/^[-=+@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(c) ? `'${c}` : c);
        expect(back).toEqual(records.map((cells) => cells.map(escaped)));
      }),
      { numRuns: 2000 },
    );
  });

  it("quotes and escapes a known row", () => {
    expect(csvRecord(["E1", '=HYPERLINK("x")', "a,b", "two\nlines", "-5", "", "@x", "it's"])).toBe(
      `E1,"'=HYPERLINK(""x"")","a,b","two\nlines",'-5,,'@x,it's\n`,
    );
  });
});

describe("ResultWriter.drained", () => {
  it("resolves once what was buffered is on disk", async () => {
    const writer = ResultWriter.open(dir, "drain", HEADER);
    const result = { ref: 0, outcome: "added" as const, memberId: "mbr_1", changes: [], error: null };
    // ~2 MB in one go, far past a stream's 16 KB buffer.
    for (const p of operations(2, 1000)) if (p.kind === "operation") writer.success(p.rows, result);
    const queued = 1000 * WIDE.length;
    await writer.drained();
    // 1,000 rows are two whole flushes of 500: once drained, every one of them is in the file.
    expect(onDisk(writer.paths.success)).toBeGreaterThan(queued);
    await writer.close();
    expect(readFileSync(writer.paths.success, "utf8").split("\n").length).toBe(1002);
  });
});

describe("applyOperations", () => {
  it("sends the next batch only after the result files have drained", async () => {
    const writer = ResultWriter.open(dir, "apply", HEADER);
    let written = 0;
    const onDiskAtSend: number[] = [];
    const client = {
      call: async (_name: string, req: { body: { operations: { ref: number }[] } }) => {
        onDiskAtSend.push(onDisk(writer.paths.success));
        return {
          results: req.body.operations.map((op) => ({
            ref: op.ref,
            outcome: "added",
            memberId: `mbr_${op.ref}`,
            changes: [],
            error: null,
          })),
        };
      },
    } as unknown as PortalClient;
    async function* batches() {
      for (let b = 0; b < 4; b++) {
        yield operations(2 + b * 1000, 1000);
        written += 1000;
      }
    }
    const outcome = await applyOperations({
      client,
      jobId: "imp_1",
      fileSha256: "a".repeat(64),
      batches: batches(),
      writer,
      progress: new Progress(4000, "Imported", true),
      shouldStop: () => false,
      concurrency: 1,
    });
    await writer.close();
    expect(outcome.error).toBeUndefined();
    expect(outcome.added).toBe(4000);
    expect(written).toBe(4000);
    // Each batch's ~2 MB of results reached the disk before the next batch went out.
    for (const [i, size] of onDiskAtSend.entries())
      expect(size).toBeGreaterThan(i * 1000 * WIDE.length - 1e6);
  });
});
