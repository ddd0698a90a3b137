import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ImportOperation } from "../../src/contract/imports.js";
import { EnrollRequest } from "../../src/contract/members.js";
import { AppError } from "../../src/portal/errors.js";
import { enrollFields, enrollInput } from "../../src/portal/services/imports.js";
import { inspectFile } from "../../src/cli/roster/read.js";
import { plannedOperations, scanRoster } from "../../src/cli/roster/plan.js";
// @ts-expect-error: a plain-JS bench script
import { generateRoster } from "../../bench/roster.js";

/*
 * enrollInput takes an add's fields as the batch's schema checked them when EnrollRequest would find every
 * field it needs, instead of parsing them again. Both ways must give the same enrollment, and the same
 * refusal when a field is missing.
 */

function expectSameAsParsing(op: ImportOperation) {
  // What the portal parsed with EnrollRequest before (and still does when a field is missing).
  const reference = EnrollRequest.safeParse(enrollFields(op, op.subscriber!));
  let fast: EnrollRequest | AppError;
  try {
    fast = enrollInput(op);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    fast = err;
  }
  if (reference.success) expect(fast).toEqual(reference.data);
  else {
    expect(fast).toBeInstanceOf(AppError);
    const paths = reference.error.issues.map((i) => i.path.join("."));
    expect((fast as AppError).details?.map((d) => d.path)).toEqual(paths);
  }
}

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const person = {
  line: fc.integer({ min: 1, max: 1000 }),
  firstName: maybe(fc.constantFrom("Pat", "  Kim ", "Ana María", "Lee")),
  middleName: maybe(fc.constantFrom("Q", " Jo ")),
  lastName: maybe(fc.constantFrom("Tester", " O'Neil ", "Nguyen-Smith")),
  ssn: maybe(fc.constantFrom("123-45-6789", " 234567890 ", "345-67-8901")),
  dateOfBirth: maybe(fc.constantFrom("1980-05-05", "2015-03-03", "2025-12-31")),
  sex: maybe(fc.constantFrom("F", "M", "U")),
  maritalStatus: maybe(fc.constantFrom("single", "married")),
  email: maybe(fc.constantFrom("pat@example.com", "Kim.Lee@Example.org")),
  phone: maybe(fc.constantFrom("313-555-0142", " (313) 555 0142 ")),
  address: maybe(
    fc.record(
      {
        line1: fc.constantFrom("1 Main St", " 22 Elm Ave "),
        line2: maybe(fc.constantFrom("Apt 4", "")),
        city: fc.constantFrom("Detroit", " Troy "),
        state: fc.constantFrom("MI", "mi"),
        zip: fc.constantFrom("48201", "48201-1234"),
      },
      { requiredKeys: ["line1", "city", "state", "zip"] },
    ),
  ),
  pcp: maybe(fc.constantFrom("1234567890", "prv_abc")),
};
const dependent = fc.record({
  ...person,
  relationship: fc.constantFrom("spouse", "child", "domestic-partner"),
  disabled: maybe(fc.boolean()),
  effectiveDate: maybe(fc.constantFrom("2026-12-01")),
  terminate: maybe(fc.record({ date: fc.constant("2026-12-31") })),
});
const operation = fc.record({
  ref: fc.integer({ min: 1, max: 1000 }),
  action: fc.constantFrom("add", "upsert"),
  employeeNumber: maybe(fc.constantFrom("E1", " e-2.x_3 ")),
  groupNumber: maybe(fc.constantFrom("G1000001", "G1000002")),
  subgroup: maybe(fc.constantFrom("SALARIED", "HOURLY")),
  location: maybe(fc.constantFrom("DET", "TRY")),
  plan: maybe(fc.constantFrom("PPO-1000", "HMO-500")),
  effectiveDate: maybe(fc.constantFrom("2026-12-01", "2027-01-01")),
  hireDate: maybe(fc.constantFrom("2020-01-15", "2026-11-02")),
  employmentStatus: maybe(fc.constantFrom("full-time", "part-time")),
  subscriber: fc.record(person),
  dependents: fc.array(dependent, { maxLength: 4 }),
});

describe("enrollInput", () => {
  it("gives what parsing EnrollRequest gives, for any add the batch's schema lets through", () => {
    let checked = 0;
    fc.assert(
      fc.property(operation, (raw) => {
        // Left out, not undefined: as JSON brings them.
        const parsed = ImportOperation.safeParse(JSON.parse(JSON.stringify(raw)));
        fc.pre(parsed.success);
        checked++;
        expectSameAsParsing(parsed.data!);
      }),
      { numRuns: 2000 },
    );
    expect(checked).toBeGreaterThan(1000);
  });

  it("names the missing fields as EnrollRequest does", () => {
    const op = ImportOperation.parse({
      ref: 2,
      action: "add",
      employeeNumber: "E1",
      groupNumber: "G1000001",
      location: "DET",
      plan: "PPO-1000",
      effectiveDate: "2026-12-01",
      subscriber: { line: 2, firstName: "Pat", lastName: "Tester", dateOfBirth: "1980-05-05", sex: "F" },
      dependents: [{ line: 3, relationship: "child", firstName: "Kim", dateOfBirth: "2015-03-03", sex: "U" }],
    });
    expectSameAsParsing(op);
    expect(() => enrollInput(op)).toThrow("hireDate is required (to enroll a new member)");
    try {
      enrollInput(op);
    } catch (err) {
      expect((err as AppError).details?.map((d) => d.path)).toEqual([
        "hireDate",
        "subscriber.address",
        "dependents.0.lastName",
      ]);
    }
  });

  describe("on a generated roster", () => {
    const dir = mkdtempSync(join(tmpdir(), "hnctl-enroll-input-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("every member's enrollment is what parsing EnrollRequest gives", async () => {
      const file = join(dir, "roster.csv");
      await generateRoster(file, 300, "2026-12-01");
      const source = await inspectFile(file);
      const scan = await scanRoster(source, {});
      let n = 0;
      for await (const p of plannedOperations(source, scan, {})) {
        if (p.kind !== "operation") continue;
        const op = ImportOperation.parse(JSON.parse(JSON.stringify(p.op)));
        expectSameAsParsing(op);
        expect(() => enrollInput(op)).not.toThrow();
        n++;
      }
      expect(n).toBe(300);
    });
  });
});
