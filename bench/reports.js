// Reports at scale: an enrollment roster of 100,000 members (about 250,000 people) and a two-year
// membership-changes report for the same group, through the real HTTP API of a listening portal.
//
//   npm run bench:reports            (builds first)   node_modules/.bin/node bench/reports.js [members]
//
// Seeds the demo employer plus synthetic members, dependents and enrollment transactions (one addition
// per person spread over the last two years, terminations for 8%) straight into SQLite, then for each
// report: request → ready time (the worker), the portal process's RSS sampled every 20 ms while it runs
// (flat = rows are streamed, not collected), and the download speed next to a plain file copy.
/* global fetch, setInterval, clearInterval, setTimeout */
import { copyFileSync, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import SQLite from "better-sqlite3";
import { startPortal } from "../dist/portal/server.js";
import { demoIds } from "../dist/portal/services/demo.js";
import { createApiToken } from "../dist/portal/services/auth.js";
import { nameKey, rateFor, tierFor } from "../dist/portal/services/coverage.js";

const MEMBERS = Number(process.argv[2] ?? 100_000);
let seed = 0x5eed;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];
const LAST = [
  "Anders",
  "Berg",
  "Castillo",
  "Dunn",
  "Ekwueme",
  "Fischer",
  "Garcia",
  "Huang",
  "Iyer",
  "Jensen",
];
const FIRST = ["Alex", "Blair", "Casey", "Devon", "Emery", "Frankie", "Gray", "Harper", "Indy", "Jules"];
const mb = (n) => (n / 1024 / 1024).toFixed(1);

const dir = mkdtempSync(join(tmpdir(), "hnctl-bench-reports-"));
const dbFile = join(dir, "portal.db");
try {
  const portal = await startPortal({
    dbFile,
    version: "bench",
    demo: true,
    logger: false,
    port: 0,
    host: "127.0.0.1",
    tickMs: 3_600_000,
  });
  const { ctx } = portal;
  const today = new Date().toISOString().slice(0, 10);
  const dayMs = 86_400_000;
  const twoYearsAgo = new Date(Date.parse(today) - 729 * dayMs).toISOString().slice(0, 10);
  const plans = await ctx.db.selectFrom("plans").selectAll().execute();
  const ppo = plans.find((p) => p.code === "PPO-1000");
  const group = demoIds.group("G1000001");
  const subgroups = [demoIds.subgroup("G1000001", "SAL"), demoIds.subgroup("G1000001", "HRL")];
  const locations = ["DET", "TOL", "GRR"].map((c) => demoIds.location(c));

  const t0 = performance.now();
  const sqlite = new SQLite(dbFile);
  sqlite.pragma("busy_timeout = 5000");
  const insertMember =
    sqlite.prepare(`INSERT INTO members (id, employer_id, group_id, subgroup_id, location_id, plan_id,
    plan_effective_date, status, tier, monthly_premium_cents, effective_date, termination_date, termination_reason,
    employee_number, hire_date, employment_status, sort_name, version, created_at, updated_at) VALUES (@id, @employer,
    @group, @subgroup, @location, @plan, @effective, @status, @tier, @premium, @effective, @termination, @reason,
    @number, '2020-01-01', 'full-time', @sort, 1, @now, @now)`);
  const insertPerson =
    sqlite.prepare(`INSERT INTO people (id, member_id, employer_id, relationship, first_name,
    middle_name, last_name, name_key, ssn_encrypted, ssn_hmac, ssn_last4, date_of_birth, sex, marital_status, disabled,
    email, phone, address, status, coverage_start, coverage_end, pcp_provider_id, cobra_id, created_at) VALUES (@id,
    @member, @employer, @relationship, @first, NULL, @last, @key, NULL, NULL, NULL, @dob, 'U', NULL, 0, NULL, NULL,
    NULL, @status, @effective, @end, NULL, NULL, @now)`);
  const insertTx =
    sqlite.prepare(`INSERT INTO enrollment_transactions (id, employer_id, member_id, person_id, type,
    maintenance_type_code, maintenance_reason_code, effective_date, description, details, actor_user_id, api_token_id,
    at) VALUES (@id, @employer, @member, @person, @type, @mtc, @mrc, @effective, @description, NULL, NULL, NULL, @at)`);
  const now = new Date().toISOString();
  let people = 0;
  let transactions = 0;
  sqlite.transaction(() => {
    for (let i = 0; i < MEMBERS; i++) {
      const id = `mbr_bench${String(i).padStart(8, "0")}`;
      const last = pick(LAST);
      const rel = ["subscriber"];
      if (random() < 0.55) rel.push("spouse");
      const kids = random() < 0.45 ? 1 + Math.floor(random() * 3) : 0;
      for (let k = 0; k < kids; k++) rel.push("child");
      const effective =
        new Date(Date.parse(twoYearsAgo) + Math.floor(random() * 700) * dayMs).toISOString().slice(0, 8) +
        "01";
      const terminated = random() < 0.08;
      const tier = tierFor(rel);
      insertMember.run({
        id,
        employer: demoIds.employer,
        group,
        subgroup: pick(subgroups),
        location: pick(locations),
        plan: ppo.id,
        effective,
        status: terminated ? "terminated" : "active",
        tier: terminated ? null : tier,
        premium: terminated ? 0 : rateFor(ppo, tier),
        termination: terminated ? "2099-12-31" : null,
        reason: terminated ? "voluntary" : null,
        number: `B${i}`,
        sort: nameKey(last, "x"),
        now,
      });
      rel.forEach((relationship, j) => {
        const personId = `per_bench${String(i).padStart(8, "0")}${j}`;
        const first = pick(FIRST);
        insertPerson.run({
          id: personId,
          member: id,
          employer: demoIds.employer,
          relationship,
          first,
          last,
          key: nameKey(last, first),
          dob: relationship === "child" ? "2015-05-05" : "1980-05-05",
          status: "active",
          effective,
          end: null,
          now,
        });
        insertTx.run({
          id: `etx_bench${i}_${j}`,
          employer: demoIds.employer,
          member: id,
          person: personId,
          type: "addition",
          mtc: "021",
          mrc: "28",
          effective,
          description: `${relationship} added`,
          at: `${effective}T12:00:00.000Z`,
        });
        people++;
        transactions++;
      });
      if (terminated) {
        insertTx.run({
          id: `etx_bench${i}_t`,
          employer: demoIds.employer,
          member: id,
          person: null,
          type: "termination",
          mtc: "024",
          mrc: "07",
          effective: today,
          description: "coverage ended",
          at: now,
        });
        transactions++;
      }
    }
  })();
  sqlite.close();
  console.log(
    `seeded ${MEMBERS.toLocaleString("en-US")} members / ${people.toLocaleString("en-US")} people / ` +
      `${transactions.toLocaleString("en-US")} enrollment transactions in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // The demo's primary administrator has not registered; the benchmark acts as them.
  await ctx.db
    .updateTable("users")
    .set({ status: "active", username: "bench" })
    .where("id", "=", demoIds.primaryAdmin)
    .execute();
  const { token } = await createApiToken(ctx, demoIds.primaryAdmin, {
    name: "bench",
    features: ["reports.run"],
    expiresAt: new Date(Date.now() + dayMs),
  });
  const api = async (method, path, body) => {
    const res = await fetch(`${portal.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  const results = [];
  for (const [label, body] of [
    ["enrollment roster (as of today, G1000001)", { type: "enrollment-roster", groups: ["G1000001"] }],
    [
      "membership changes (two years, G1000001)",
      { type: "membership-changes", groups: ["G1000001"], from: twoYearsAgo, to: today },
    ],
  ]) {
    globalThis.gc?.();
    const rssBefore = process.memoryUsage.rss();
    let rssMax = rssBefore;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage.rss())), 20);
    const started = performance.now();
    const { id } = await api("POST", "/v1/reports", body);
    let report;
    do {
      await new Promise((r) => setTimeout(r, 50));
      report = await api("GET", `/v1/reports/${id}`);
    } while (report.status === "queued" || report.status === "running");
    const readyMs = performance.now() - started;
    clearInterval(sampler);
    if (report.status !== "ready") throw new Error(`report ${id} ${report.status}: ${report.error}`);

    const out = join(dir, report.fileName);
    const d0 = performance.now();
    const res = await fetch(`${portal.url}/v1/reports/${id}/file`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await pipeline(Readable.fromWeb(res.body), createWriteStream(out));
    const downloadMs = performance.now() - d0;
    const c0 = performance.now();
    copyFileSync(out, `${out}.copy`);
    const copyMs = performance.now() - c0;
    const size = statSync(out).size;
    results.push({
      report: label,
      rows: report.rowCount,
      "size MB": +mb(size),
      "ready s": +(readyMs / 1000).toFixed(2),
      "download MB/s": Math.round(size / 1024 / 1024 / (downloadMs / 1000)),
      "file copy MB/s": Math.round(size / 1024 / 1024 / (copyMs / 1000)),
      "RSS before MB": +mb(rssBefore),
      "RSS max MB": +mb(rssMax),
    });
  }
  console.table(results);
  await portal.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
