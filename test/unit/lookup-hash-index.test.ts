import SQLite from "better-sqlite3";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { adminToken, enrollBody, pinClock } from "../helpers/enrollment.js";
import { testPortal, type TestPortal } from "../helpers/portal.js";

/*
 * SSN lookup hashes are 32 hex digits, and people_ssn indexes the hash alone (migration 0008). These
 * check that every query looking people up by hash still reads that index (SQLite would otherwise pick
 * people_name for the employer filter and read every person of the employer), and that a database
 * from before the migration keeps finding its people by SSN.
 */

const portals: TestPortal[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const p of portals.splice(0)) await p.dispose();
});

/** A test portal (on `dbFile` when given) and a call signed in as the demo administrator. */
async function signedIn(dbFile?: string, token?: string) {
  const portal = await testPortal(dbFile ? { dbFile } : {});
  portals.push(portal);
  pinClock(portal);
  const bearer = token ?? (await adminToken(portal));
  const call = (method: string, url: string, body?: unknown) =>
    portal.call(method, url, { body, token: bearer });
  return { portal, call, token: bearer, dbFile: join(portal.dir, "portal.db") };
}

const method = (nickname: string) => ({
  group: "G1000001",
  nickname,
  routingNumber: "011000015",
  accountNumber: "000123456789",
  type: "checking",
});

describe("SSN lookups after migration 0008", () => {
  it("every query by SSN hash reads people_ssn", async () => {
    const { call, dbFile } = await signedIn();
    const seen = new Set<string>();
    const prepare = SQLite.prototype.prepare;
    vi.spyOn(SQLite.prototype, "prepare").mockImplementation(function (this: SQLite.Database, text: string) {
      if (/ssn_hmac" *(=|in)|ssn_hmac (=|in)/.test(text)) seen.add(text);
      return prepare.call(this, text);
    } as typeof prepare);

    // The duplicate-SSN rule (enrol), the search by SSN, and an import operation keyed by SSN alone.
    expect((await call("POST", "/v1/members", enrollBody())).status).toBe(201);
    const found = await call("POST", "/v1/members/search", { ssn: "234-56-7890" });
    expect(found.body.members).toHaveLength(1);
    const job = await call("POST", "/v1/imports", {
      fileName: "roster.csv",
      fileSha256: "b".repeat(64),
      totalRows: 1,
      totalOperations: 1,
      format: "csv",
    });
    const { employeeNumber: _none, ...bySsn } = enrollBody();
    const batch = await call("POST", `/v1/imports/${job.body.id}/batches`, {
      idempotencyKey: "keyed-by-ssn-0001",
      operations: [
        { ref: 1, action: "upsert", ...bySsn, subscriber: { ...bySsn.subscriber, line: 1 }, dependents: [] },
      ],
    });
    expect(batch.status).toBe(200);
    vi.restoreAllMocks();

    expect(seen.size).toBeGreaterThanOrEqual(3);
    const db = new SQLite(dbFile, { readonly: true });
    try {
      for (const text of seen) {
        const params = Array<null>(text.split("?").length - 1).fill(null);
        const plan = (db.prepare(`explain query plan ${text}`).all(params) as { detail: string }[]).map(
          (r) => r.detail,
        );
        const onPeople = plan.filter((d) => /\bpeople\b/.test(d));
        expect(onPeople, text).not.toHaveLength(0);
        for (const d of onPeople) expect(d, text).toMatch(/USING (COVERING )?INDEX people_ssn/);
      }
    } finally {
      db.close();
    }
  });

  it("a database from before it keeps finding people by SSN, and refuses a duplicate SSN or bank account", async () => {
    // The first portal's folder (and database) stays until the test ends; the portal itself is closed.
    const first = await signedIn();
    const { dbFile, token } = first;
    expect((await first.call("POST", "/v1/members", enrollBody())).status).toBe(201);
    expect((await first.call("POST", "/v1/payment-methods", method("Operating"))).status).toBe(201);
    await first.portal.close();
    portals.splice(portals.indexOf(first.portal), 1);
    onTestFinished(() => rmSync(first.portal.dir, { recursive: true, force: true }));
    // Back to how 0007 left it: 64-digit hashes (the new ones are their first half) and the old index.
    const db = new SQLite(dbFile);
    db.exec(`update people set ssn_hmac = ssn_hmac || '${"0123456789abcdef".repeat(2)}' where ssn_hmac is not null;
      update payment_methods set account_hmac = account_hmac || '${"fedcba9876543210".repeat(2)}';
      drop index people_ssn; create index people_ssn on people (employer_id, ssn_hmac);
      delete from kysely_migration where name = '0008_short_lookup_hashes';`);
    expect(
      db.prepare("select distinct length(ssn_hmac) n from people where ssn_hmac is not null").all(),
    ).toEqual([{ n: 64 }]);
    db.close();

    // Reopened: migration 0008 runs again; the administrator's API token is in the database.
    const { call } = await signedIn(dbFile, token);
    const found = await call("POST", "/v1/members/search", { ssn: "345-67-8901" });
    expect(found.body.members).toHaveLength(1);
    const again = await call("POST", "/v1/members", enrollBody({ employeeNumber: "T999" }));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("duplicate_ssn");
    const sameAccount = await call("POST", "/v1/payment-methods", method("Payroll"));
    expect(sameAccount.body.error?.code).toBe("duplicate_account");

    const after = new SQLite(dbFile, { readonly: true });
    try {
      expect(
        after.prepare("select distinct length(ssn_hmac) n from people where ssn_hmac is not null").all(),
      ).toEqual([{ n: 32 }]);
      expect(after.prepare("select name from pragma_index_info('people_ssn')").all()).toEqual([
        { name: "ssn_hmac" },
      ]);
    } finally {
      after.close();
    }
  });
});
