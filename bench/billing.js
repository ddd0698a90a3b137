// Billing at 100,000 members in one group (about 250,000 people).
//
//   npm run bench:billing            (builds first; or: node_modules/.bin/node bench/billing.js [members])
//
// Seeds the demo employer into a temp database and bulk-inserts synthetic members with dependents into group
// G1000002 (some cancelled, some on another plan). Then:
//   1. times issueInvoice() for that group: the roster read, one line per subscriber, the inserts (target < 10 s);
//   2. serves the portal on a local port and times the built CLI end to end: `bill view INV` (header, totals and
//      the first page of 50 lines; target < 500 ms) and `bill view INV --csv` (every line, streamed page by page).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import SQLite from "better-sqlite3";
import { FEATURES } from "../dist/contract/common.js";
import { createPortal } from "../dist/portal/server.js";
import { createApiToken } from "../dist/portal/services/auth.js";
import { cycleOnOrBefore, issueInvoice } from "../dist/portal/services/billing.js";
import { demoIds } from "../dist/portal/services/demo.js";
import { nameKey, rateFor, tierFor } from "../dist/portal/services/coverage.js";
import { todayOf } from "../dist/portal/services/dates.js";
import { seeded } from "./random.js";

const MEMBERS = Number(process.argv[2] ?? 100_000);
const RUNS = 7;
const { random, pick } = seeded(0xb111);
const LAST = ["Alvarez", "Brooks", "Chen", "Dubois", "Eze", "Fischer", "Garcia", "Haddad", "Ito", "Jensen"];
const FIRST = ["Ana", "Ben", "Chloe", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo"];

function runCli(args, env) {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [resolve("bin/run.js"), ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let bytes = 0;
    let err = "";
    child.stdout.on("data", (d) => (bytes += d.length));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", rej);
    child.on("close", (code) =>
      code === 0 ? res({ ms: performance.now() - t0, bytes }) : rej(new Error(`exit ${code}: ${err}`)),
    );
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), "hnctl-bench-billing-"));
const dbFile = join(dir, "portal.db");
try {
  const portal = await createPortal({ dbFile, version: "bench", demo: true, logger: false });
  const { ctx } = portal;
  const plans = await ctx.db.selectFrom("plans").selectAll().execute();
  const ppo = plans.find((p) => p.code === "PPO-1000");
  const hmo = plans.find((p) => p.code === "HMO-500");
  const group = demoIds.group("G1000002");
  const locations = ["DET", "TOL", "GRR"].map((c) => demoIds.location(c));

  const sqlite = new SQLite(dbFile);
  sqlite.pragma("busy_timeout = 5000");
  const insertMember =
    sqlite.prepare(`INSERT INTO members (id, employer_id, group_id, subgroup_id, location_id,
    plan_id, plan_effective_date, status, tier, monthly_premium_cents, effective_date, termination_date,
    termination_reason, employee_number, hire_date, employment_status, sort_name, version, created_at, updated_at)
    VALUES (@id, @employer, @group, NULL, @location, @plan, '2026-01-01', @status, @tier, @premium, '2026-01-01',
    @termination, @reason, @number, '2020-01-01', 'full-time', @sort, 1, @now, @now)`);
  const insertPerson =
    sqlite.prepare(`INSERT INTO people (id, member_id, employer_id, relationship, first_name,
    middle_name, last_name, name_key, ssn_encrypted, ssn_hmac, ssn_last4, date_of_birth, sex, marital_status,
    disabled, email, phone, address, status, coverage_start, coverage_end, pcp_provider_id, cobra_id, created_at)
    VALUES (@id, @member, @employer, @relationship, @first, NULL, @last, @key, NULL, NULL, NULL, @dob, 'U', NULL, 0,
    NULL, NULL, NULL, @status, '2026-01-01', @end, NULL, NULL, @now)`);
  const now = new Date().toISOString();
  let people = 0;
  const t0 = performance.now();
  sqlite.transaction(() => {
    for (let i = 0; i < MEMBERS; i++) {
      const id = `mbr_bench${String(i).padStart(8, "0")}`;
      const last = `${pick(LAST)}${i % 997}`;
      const relationships = ["subscriber"];
      if (random() < 0.55) relationships.push("spouse");
      const kids = random() < 0.45 ? 1 + Math.floor(random() * 3) : 0;
      for (let k = 0; k < kids; k++) relationships.push("child");
      const terminated = random() < 0.05;
      const plan = random() < 0.3 ? hmo : ppo;
      const tier = tierFor(relationships);
      insertMember.run({
        id,
        employer: demoIds.employer,
        group,
        location: pick(locations),
        plan: plan.id,
        status: terminated ? "terminated" : "active",
        tier: terminated ? null : tier,
        premium: terminated ? 0 : rateFor(plan, tier),
        termination: terminated ? "2026-06-30" : null,
        reason: terminated ? "voluntary" : null,
        number: `B${i}`,
        sort: nameKey(last, "x"),
        now,
      });
      relationships.forEach((relationship, j) => {
        const first = pick(FIRST);
        insertPerson.run({
          id: `per_bench${String(i).padStart(8, "0")}${j}`,
          member: id,
          employer: demoIds.employer,
          relationship,
          first,
          last,
          key: nameKey(last, first),
          dob: relationship === "child" ? "2015-05-05" : "1980-05-05",
          status: terminated ? "terminated" : "active",
          end: terminated ? "2026-06-30" : null,
          now,
        });
        people++;
      });
    }
  })();
  sqlite.close();
  console.log(
    `seeded ${MEMBERS.toLocaleString("en-US")} members / ${people.toLocaleString("en-US")} people in G1000002 in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const cycle = cycleOnOrBefore(todayOf(ctx.clock.now()));
  const t1 = performance.now();
  const { invoiceId } = await issueInvoice(ctx, group, cycle);
  const issueMs = performance.now() - t1;
  const inv = await ctx.db
    .selectFrom("invoices")
    .selectAll()
    .where("id", "=", invoiceId)
    .executeTakeFirstOrThrow();
  console.log(
    `issued ${inv.number}: ${inv.line_count.toLocaleString("en-US")} lines, amount due $${(inv.amount_due_cents / 100).toLocaleString("en-US")} in ${(issueMs / 1000).toFixed(2)} s (target < 10 s)`,
  );

  await portal.app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${portal.app.server.address().port}`;
  await ctx.db
    .updateTable("users")
    .set({ status: "active", username: "bench", registered_at: now })
    .where("id", "=", demoIds.primaryAdmin)
    .execute();
  const { token } = await createApiToken(ctx, demoIds.primaryAdmin, {
    name: "bench",
    features: [...FEATURES],
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  const env = { HNCTL_API_URL: url, HNCTL_TOKEN: token, HNCTL_CONFIG_DIR: dir };
  await runCli(["bill", "view", invoiceId], env); // warm-up (compile cache, page cache)
  const view = [];
  for (let i = 0; i < RUNS; i++) view.push((await runCli(["bill", "view", invoiceId], env)).ms);
  const version = [];
  for (let i = 0; i < RUNS; i++) version.push((await runCli(["--version"], env)).ms);
  const csv = await runCli(["bill", "view", invoiceId, "--csv"], env);
  console.table([
    { command: "hnctl --version (start-up, for scale)", runs: RUNS, medianMs: Math.round(median(version)) },
    {
      command: "hnctl bill view INV (first page of 50 lines)",
      runs: RUNS,
      medianMs: Math.round(median(view)),
      maxMs: Math.round(Math.max(...view)),
    },
    {
      command: `hnctl bill view INV --csv (${inv.line_count.toLocaleString("en-US")} lines, ${(csv.bytes / 1e6).toFixed(1)} MB)`,
      runs: 1,
      medianMs: Math.round(csv.ms),
    },
  ]);
  await portal.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
