import SQLite from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createPortal, type Portal } from "../../src/portal/server.js";
import { enrollBody, TODAY } from "../helpers/enrollment.js";
import { TEST_PASSWORD } from "../helpers/portal.js";

/*
 * SSN lookup hashes are 32 hex digits, and people_ssn indexes the hash alone (migration 0008). These
 * check that every query looking people up by hash still reads that index (SQLite would otherwise pick
 * people_name for the employer filter and read every person of the employer), and that a database
 * from before the migration keeps finding its people by SSN.
 */

const dirs: string[] = [];
const portals: Portal[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const p of portals.splice(0)) await p.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(dbFile: string) {
  const portal = await createPortal({
    dbFile,
    version: "test",
    demo: true,
    logger: false,
    authRateLimit: 10_000,
  });
  portals.push(portal);
  portal.clock.offsetMs = Date.parse(`${TODAY}T12:00:00.000Z`) - Date.now();
  const call = async (method: string, url: string, body?: unknown, token?: string) => {
    const res = await portal.app.inject({
      method: method as "GET",
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
  return { portal, call };
}

async function signedIn(dbFile: string, register: boolean) {
  const { portal, call } = await open(dbFile);
  if (register)
    await call("POST", "/v1/auth/register", {
      groupNumber: "G1000001",
      policyholderId: "1234",
      key: portal.registrationKeys[0],
      username: "acme-admin",
      password: TEST_PASSWORD,
    });
  const login = await call("POST", "/v1/auth/login", { username: "acme-admin", password: TEST_PASSWORD });
  const token = login.body.accessToken as string;
  return { portal, call: (m: string, u: string, b?: unknown) => call(m, u, b, token) };
}

function tempDb() {
  const dir = mkdtempSync(join(tmpdir(), "hnctl-hash-"));
  dirs.push(dir);
  return join(dir, "portal.db");
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
    const dbFile = tempDb();
    const { call } = await signedIn(dbFile, true);
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
    const dbFile = tempDb();
    {
      const { portal, call } = await signedIn(dbFile, true);
      expect((await call("POST", "/v1/members", enrollBody())).status).toBe(201);
      expect((await call("POST", "/v1/payment-methods", method("Operating"))).status).toBe(201);
      await portal.close();
      portals.splice(0);
    }
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

    const { call } = await signedIn(dbFile, false);
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
