import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { ssnProblem } from "../../src/contract/members.js";
import { loadPiiKey, maskSsn, PiiVault } from "../../src/portal/pii.js";
import { cobraTerms, cobraTier, namePrefix, nameKey, tierFor } from "../../src/portal/services/coverage.js";
import { addDays, addMonths, ageOn, endOfMonth, isEndOfMonth } from "../../src/portal/services/dates.js";

describe("dates", () => {
  it("does calendar arithmetic on ISO dates", () => {
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2028-01-31", 1)).toBe("2028-02-29");
    expect(addMonths("2026-12-01", 18)).toBe("2028-06-01");
    expect(addMonths("2026-03-15", -3)).toBe("2025-12-15");
    expect(endOfMonth("2028-02-10")).toBe("2028-02-29");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(ageOn("2000-02-29", "2026-02-28")).toBe(25);
    expect(ageOn("2000-02-29", "2026-03-01")).toBe(26);
    expect(ageOn("2000-06-15", "2026-06-15")).toBe(26);
  });

  it("end of month plus one day is always a first of a month", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1990-01-01"), max: new Date("2090-12-31"), noInvalidDate: true }),
        (d) => {
          const end = endOfMonth(d.toISOString().slice(0, 10));
          expect(isEndOfMonth(end)).toBe(true);
          expect(addDays(end, 1).endsWith("-01")).toBe(true);
        },
      ),
    );
  });
});

describe("SSN rules", () => {
  it.each([
    ["123-45-6789", undefined],
    ["123456789", undefined],
    ["000-12-3456", "first three"],
    ["666-12-3456", "first three"],
    ["900-12-3456", "first three"],
    ["123-00-4567", "middle two"],
    ["123-45-0000", "last four"],
    ["123-456-789", "9 digits"],
    ["12345678", "9 digits"],
  ])("%s", (ssn, problem) => {
    if (problem) expect(ssnProblem(ssn)).toContain(problem);
    else expect(ssnProblem(ssn)).toBeUndefined();
  });
});

describe("coverage rules", () => {
  it("derives the tier from who is covered", () => {
    expect(tierFor(["subscriber"])).toBe("EE");
    expect(tierFor(["subscriber", "domestic-partner"])).toBe("ES");
    expect(tierFor(["subscriber", "stepchild", "child"])).toBe("EC");
    expect(tierFor(["subscriber", "spouse", "foster-child"])).toBe("EF");
    expect(cobraTier(["spouse"])).toBe("EE");
    expect(cobraTier(["spouse", "child"])).toBe("EC");
    expect(cobraTier(["subscriber", "spouse"])).toBe("ES");
  });

  it("computes COBRA periods, premiums and the election deadline", () => {
    expect(cobraTerms("reduced-hours", "2026-06-30", 50_000, "2026-06-10")).toEqual({
      coverageStart: "2026-07-01",
      coverageEnd: "2027-12-31",
      months: 18,
      electionDeadline: "2026-08-30",
      monthlyPremiumCents: 51_000,
      extendedMonthlyPremiumCents: null,
      extendedFrom: null,
    });
    const notice = cobraTerms("medicare", "2026-06-30", 33_333, "2026-08-15");
    expect(notice).toMatchObject({ months: 36, coverageEnd: "2029-06-30", electionDeadline: "2026-10-14" });
    expect(notice.monthlyPremiumCents).toBe(34_000); // 33_333 × 1.02 = 33_999.66, rounded
    expect(cobraTerms("disability-extension", "2026-06-30", 50_000, "2026-06-10")).toMatchObject({
      months: 29,
      coverageEnd: "2028-11-30",
      extendedFrom: "2028-01-01",
      extendedMonthlyPremiumCents: 75_000,
    });
  });

  it("normalises names for prefix search", () => {
    expect(nameKey("  O'Brien ", "Zoë")).toBe("o'brien, zoe");
    expect(namePrefix("OBR")).toBe("obr");
    expect(namePrefix("Müller,  jo")).toBe("muller, jo");
  });
});

describe("PII vault", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("encrypts with a fresh IV each time, decrypts, detects tampering, and hashes with a separate key", () => {
    const vault = new PiiVault(Buffer.alloc(32, 7));
    const a = vault.encrypt("123456789");
    expect(a).not.toBe(vault.encrypt("123456789"));
    expect(a).not.toContain("123456789");
    expect(vault.decrypt(a)).toBe("123456789");
    const parts = a.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = body[0]! ^ 1;
    expect(() => vault.decrypt([...parts.slice(0, 3), body.toString("base64url")].join("."))).toThrow();
    expect(vault.lookupHash("123456789")).toBe(vault.lookupHash("123456789"));
    expect(vault.lookupHash("123456789")).not.toBe(new PiiVault(Buffer.alloc(32, 8)).lookupHash("123456789"));
    expect(maskSsn("6789")).toBe("***-**-6789");
  });

  it("remembers lookup hashes only in the vault made for that (one import batch), with the same keys", () => {
    const vault = new PiiVault(Buffer.alloc(32, 7));
    const batch = vault.remembering();
    expect(batch.lookupHash("123456789")).toBe(vault.lookupHash("123456789"));
    expect(batch.lookupHash("123456789")).toBe(batch.lookupHash("123456789"));
    expect(batch.lookupHash("987654321")).toBe(vault.lookupHash("987654321"));
    expect(batch.decrypt(vault.encrypt("123456789"))).toBe("123456789");
    expect(vault.decrypt(batch.encrypt("123456789"))).toBe("123456789");
  });

  it("creates the key file 0600 next to the database, reuses it, and refuses one others can read", () => {
    dir = mkdtempSync(join(tmpdir(), "hnctl-pii-"));
    const dbFile = join(dir, "portal.db");
    const key = loadPiiKey({ dbFile });
    expect(statSync(`${dbFile}.key`).mode & 0o777).toBe(0o600);
    expect(loadPiiKey({ dbFile }).equals(key)).toBe(true);
    expect(loadPiiKey({ dbFile, key: "ab".repeat(32) }).equals(Buffer.alloc(32, 0xab))).toBe(true);
    const loose = join(dir, "loose.key");
    writeFileSync(loose, "cd".repeat(32), { mode: 0o644 });
    expect(() => loadPiiKey({ dbFile, keyFile: loose })).toThrow(/chmod 600/);
    expect(() => loadPiiKey({ dbFile, key: "short" })).toThrow(/32 bytes/);
  });
});
