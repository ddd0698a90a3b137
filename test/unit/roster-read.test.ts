import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import iconv from "iconv-lite";
import { inspectFile, parseDate, readRowBatches, type ReadRow } from "../../src/cli/roster/read.js";
import { plannedOperations, scanRoster, type Planned } from "../../src/cli/roster/plan.js";
import { CliError } from "../../src/cli/errors.js";

const dir = mkdtempSync(join(tmpdir(), "hnctl-roster-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `r${++n}.csv`);
  writeFileSync(path, content);
  return path;
}

const HEADER =
  "employee_number,relationship,first_name,last_name,ssn,date_of_birth,sex,group_number,location,plan,effective_date";
const SUB = "E1,subscriber,Pat,Tester,123-45-6789,1980-05-05,F,G1000001,DET,PPO-1000,2026-12-01";
const KID = "E1,child,Kim,Tester,345-67-8901,2015-03-03,U,,,,2026-12-01";

async function rows(path: string, delimiter?: string): Promise<{ rows: ReadRow[]; warnings: string[] }> {
  const source = await inspectFile(path, delimiter);
  const warnings: string[] = [];
  const out: ReadRow[] = [];
  for await (const batch of readRowBatches(source, { warn: (w) => warnings.push(w) })) out.push(...batch);
  return { rows: out, warnings };
}

async function plan(path: string): Promise<Planned[]> {
  const source = await inspectFile(path);
  const scan = await scanRoster(source, {});
  const out: Planned[] = [];
  for await (const p of plannedOperations(source, scan, {})) out.push(p);
  return out;
}

const errorsOf = (r: ReadRow) => (r.ok ? [] : r.errors).join(" | ");

describe("roster CSV reading", () => {
  it("reads UTF-8 with a BOM, CRLF line ends and empty trailing lines", async () => {
    const { rows: r } = await rows(file(`\uFEFF${HEADER}\r\n${SUB}\r\n${KID}\r\n\r\n\r\n`));
    expect(r.map((x) => [x.line, x.ok])).toEqual([
      [2, true],
      [3, true],
    ]);
  });

  it("trims cells and drops the apostrophe hnctl writes before = + - @ (and only there)", async () => {
    const { rows: r } = await rows(
      file(
        `${HEADER}\n  E1 ,subscriber,'-Pat, 'O'Neil ,123-45-6789,1980-05-05,F,G1000001,DET,PPO-1000,2026-12-01\n`,
      ),
    );
    expect(r[0]!.ok && r[0]!.part).toMatchObject({
      employeeNumber: "E1",
      subscriber: { firstName: "-Pat", lastName: "'O'Neil" },
    });
  });

  it("decodes Windows-1252 when the file is not valid UTF-8", async () => {
    const text = `${HEADER}\nE1,subscriber,José,Muñoz,123-45-6789,1980-05-05,F,G1000001,DET,PPO-1000,2026-12-01\n`;
    const path = file(iconv.encode(text, "win1252"));
    expect((await inspectFile(path)).encoding).toBe("windows-1252");
    const { rows: r } = await rows(path);
    expect(r[0]!.ok && r[0]!.part.subscriber).toMatchObject({ firstName: "José", lastName: "Muñoz" });
  });

  it("detects ';' delimiters, and takes --delimiter", async () => {
    const semi = file(`${HEADER.replaceAll(",", ";")}\n${SUB.replaceAll(",", ";")}\n`);
    expect((await inspectFile(semi)).delimiter).toBe(";");
    expect((await rows(semi)).rows[0]!.ok).toBe(true);
    const tab = file(`${HEADER.replaceAll(",", "\t")}\n${SUB.replaceAll(",", "\t")}\n`);
    expect((await rows(tab, "tab")).rows[0]!.ok).toBe(true);
  });

  it("keeps quoted commas and newlines in a field, and numbers lines from where the row starts", async () => {
    const path = file(
      `${HEADER},address_line1,city,state,zip\n${SUB},"1 Main St, Apt 2",Detroit,MI,48201\n` +
        `E2,subscriber,"Mary\nAnn",Smith,234-56-7891,1981-01-01,F,G1000001,DET,PPO-1000,2026-12-01,,,,\n${SUB.replace("E1", "E3").replace("123-45-6789", "345-67-8911")}\n`,
    );
    const { rows: r } = await rows(path);
    expect(r[0]!.ok && r[0]!.part.subscriber?.address?.line1).toBe("1 Main St, Apt 2");
    expect(r.map((x) => x.line)).toEqual([2, 3, 5]);
    // A newline inside a name is not a valid name: the row fails with the column named.
    expect(r[1]!.ok).toBe(true);
  });

  it("matches header names in any case and with spaces, and warns about unknown columns", async () => {
    const header = "Employee Number, RELATIONSHIP ,First Name,last-name,SSN,DOB,Sex,Favourite Colour";
    const { rows: r, warnings } = await rows(
      file(`${header}\nE1,subscriber,Pat,Tester,123-45-6789,1980-05-05,F,blue\n`),
    );
    expect(r[0]!.ok).toBe(true);
    expect(warnings.join()).toMatch(/Ignoring unknown column\(s\): Favourite Colour/);
  });

  it("refuses a file missing required columns before reading any row", async () => {
    await expect(rows(file("first_name,last_name\nPat,Tester\n"))).rejects.toThrow(
      /missing required column\(s\) employee_number, date_of_birth; nothing was sent/,
    );
  });

  it("accepts YYYY-MM-DD and MM/DD/YYYY and refuses ambiguous dates and Excel serials with a hint", () => {
    expect(parseDate("2026-12-01")).toEqual({ value: "2026-12-01" });
    expect(parseDate("12/1/2026")).toEqual({ value: "2026-12-01" });
    expect(parseDate("13/01/2026").error).toMatch(/day\/month order/);
    expect(parseDate("01-02-2026").error).toMatch(/ambiguous/);
    expect(parseDate("1/2/26").error).toMatch(/two-digit year/);
    expect(parseDate("44927").error).toMatch(/Excel date serial number; format the column as text/);
  });

  it("refuses SSNs Excel turned into numbers, with 'format the column as text'", async () => {
    const { rows: r } = await rows(
      file(
        `${HEADER}\n${SUB.replace("123-45-6789", "12345678")}\n${SUB.replace("E1", "E2").replace("123-45-6789", "1.23E+08")}\n`,
      ),
    );
    expect(r.map(errorsOf)).toEqual([
      expect.stringMatching(/ssn: .*format the column as text/),
      expect.stringMatching(/ssn: .*format the column as text/),
    ]);
  });

  it("checks values with the contract's rules and names the column", async () => {
    const { rows: r } = await rows(
      file(`${HEADER}\n${SUB.replace("123-45-6789", "666-12-3456").replace(",F,", ",Q,")}\n`),
    );
    expect(errorsOf(r[0]!)).toMatch(/ssn: is not a valid SSN/);
    expect(errorsOf(r[0]!)).toMatch(/sex: /);
  });

  it("refuses a 0-byte file and a binary file", async () => {
    await expect(inspectFile(file(""))).rejects.toThrow(/is empty \(0 bytes\)/);
    await expect(inspectFile(file(Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 1, 2])))).rejects.toThrow(
      /not a text file/,
    );
    await expect(inspectFile(file(Buffer.from("abc\0def")))).rejects.toBeInstanceOf(CliError);
  });
});

describe("roster grouping (plan stage)", () => {
  it("ties a dependent row to its subscriber even when it comes first", async () => {
    const out = await plan(file(`${HEADER}\n${KID}\n${SUB}\n`));
    expect(out).toHaveLength(1);
    const op = out[0]!;
    expect(op.kind).toBe("operation");
    if (op.kind !== "operation") return;
    expect(op.op.ref).toBe(2);
    expect(op.rows.map((r) => r.line)).toEqual([2, 3]);
    expect(op.op.subscriber?.firstName).toBe("Pat");
    expect(op.op.dependents?.map((d) => d.firstName)).toEqual(["Kim"]);
  });

  it("fails the later of two rows for the same person, and a whole member with an invalid row", async () => {
    const out = await plan(
      file(
        `${HEADER}\n${SUB}\n${KID}\n${KID}\nE2,subscriber,Lee,Bad,000-12-3456,1980-01-01,M,G1000001,DET,PPO-1000,2026-12-01\nE2,child,Ada,Bad,,2016-01-01,F,,,,2026-12-01\n`,
      ),
    );
    const invalid = out.filter((p) => p.kind === "invalid");
    expect(invalid.map((p) => [p.rows[0]!.line, p.kind === "invalid" && p.errors[0]])).toEqual([
      [4, "duplicate row for the same person as line 3 (that one is used)"],
      [5, expect.stringMatching(/^ssn: /)],
      [6, "another row of this member (line 5) is invalid; fix it and import again"],
    ]);
    const ops = out.filter((p) => p.kind === "operation");
    expect(ops).toHaveLength(1);
  });

  it("refuses a whole member whose later row fails the schema (found in the second pass), in file order", async () => {
    const out = await plan(
      file(`${HEADER}\n${SUB}\nE1,child,Kim,Tester,000-12-3456,2015-03-03,U,,,,2026-12-01\n${KID}\n`),
    );
    expect(out.map((p) => [p.kind, p.rows.map((r) => r.line), p.kind === "invalid" && p.errors[0]])).toEqual([
      ["invalid", [2], "another row of this member (line 3) is invalid; fix it and import again"],
      ["invalid", [3], expect.stringMatching(/^ssn: /)],
      ["invalid", [4], "another row of this member (line 3) is invalid; fix it and import again"],
    ]);
  });
});
