// Reports at scale: an enrollment roster of 100,000 members (about 250,000 people) and a two-year
// membership-changes report for the same group, through the real HTTP API of a listening portal.
//
//   npm run bench:reports            (builds first)   node --expose-gc bench/reports.js [members] [runs]
//
// Seeds the demo employer plus synthetic members, dependents and enrollment transactions (one addition
// per person spread over the last two years, terminations for 8%) straight into SQLite, then for each
// report: request → ready time (the worker), the portal process's RSS and heapUsed sampled every 20 ms
// while it runs (flat whatever the member count = rows are streamed, not collected), and the download
// the way a user does it: the built CLI in a process of its own (`hnctl report download`), timed next to
// `hnctl report status` (same start-up, one call) and `cp` of the same file.
//
// Then "at disk speed": the roster's file is grown to BENCH_DOWNLOAD_MB (default 256) of its own CSV
// repeated, and each round measures, on that same file and output folder: the disk itself (`dd` of
// zeros with conv=fsync), `cp` + `sync FILE`, `curl -o` (skipped without curl) and then `sync FILE`,
// and `hnctl report download` (which fsyncs the file before linking it into place) less `report status`.
// Medians over RUNS rounds, with the portal's CPU time per download (this process serves it). Each step
// waits for idle CPUs first (up to 30 s): on a shared machine another job halves what a CPU-bound step gets.
/* global fetch, setInterval, clearInterval, setTimeout, Buffer */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import SQLite from "better-sqlite3";
import { startPortal } from "../dist/portal/server.js";
import { demoIds } from "../dist/portal/services/demo.js";
import { createApiToken } from "../dist/portal/services/auth.js";
import { nameKey, rateFor, tierFor } from "../dist/portal/services/coverage.js";
import { storedFile } from "../dist/portal/services/reports.js";
import { seeded } from "./random.js";

const MEMBERS = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 5);
const DOWNLOAD_MB = Number(process.env.BENCH_DOWNLOAD_MB ?? 256);
const { random, pick } = seeded(0x5eed);
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

  const env = { HNCTL_API_URL: portal.url, HNCTL_TOKEN: token, HNCTL_CONFIG_DIR: join(dir, "cfg") };
  const runCli = (args) =>
    new Promise((res, rej) => {
      const t = performance.now();
      const child = spawn(process.execPath, [resolve("bin/run.js"), ...args], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("error", rej);
      child.on("close", (code) =>
        code === 0
          ? res(performance.now() - t)
          : rej(new Error(`hnctl ${args.join(" ")}: exit ${code}: ${out}`)),
      );
    });
  const timeCmd = (cmd, args) =>
    new Promise((res, rej) => {
      const t = performance.now();
      const child = spawn(cmd, args, { stdio: "inherit" });
      child.on("error", rej);
      child.on("close", (code) =>
        code === 0 ? res(performance.now() - t) : rej(new Error(`${cmd}: exit ${code}`)),
      );
    });
  const timeCp = (from, to) => timeCmd("cp", [from, to]);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  // Memory of the portal (this process) sampled every 20 ms while something runs.
  const sampling = () => {
    globalThis.gc?.();
    const before = process.memoryUsage();
    const max = { rss: before.rss, heapUsed: before.heapUsed };
    const timer = setInterval(() => {
      const m = process.memoryUsage();
      max.rss = Math.max(max.rss, m.rss);
      max.heapUsed = Math.max(max.heapUsed, m.heapUsed);
    }, 20);
    return () => {
      clearInterval(timer);
      globalThis.gc?.();
      return { before, max, after: process.memoryUsage() };
    };
  };

  const results = [];
  let rosterId;
  let rosterFileName;
  for (const [label, body] of [
    ["enrollment roster (as of today, G1000001)", { type: "enrollment-roster", groups: ["G1000001"] }],
    [
      "membership changes (two years, G1000001)",
      { type: "membership-changes", groups: ["G1000001"], from: twoYearsAgo, to: today },
    ],
  ]) {
    const stop = sampling();
    const started = performance.now();
    const { id } = await api("POST", "/v1/reports", body);
    let report;
    do {
      await new Promise((r) => setTimeout(r, 50));
      report = await api("GET", `/v1/reports/${id}`);
    } while (report.status === "queued" || report.status === "running");
    const readyMs = performance.now() - started;
    const mem = stop();
    if (report.status !== "ready") throw new Error(`report ${id} ${report.status}: ${report.error}`);
    rosterId ??= id;
    rosterFileName ??= report.fileName;

    // Download the way a user does: the built CLI in a process of its own. Start-up and the status
    // call are timed alone (`report status`) and taken off, so the rate is the transfer's own.
    const size = report.sizeBytes;
    const downloads = [];
    const statuses = [];
    const copies = [];
    const stopDownload = sampling();
    for (let i = 0; i < RUNS; i++) {
      const into = join(dir, `dl-${id}-${i}`);
      mkdirSync(into);
      downloads.push(await runCli(["report", "download", id, "--output-dir", into, "--quiet"]));
      statuses.push(await runCli(["report", "status", id]));
      copies.push(await timeCp(join(into, report.fileName), join(into, `${report.fileName}.copy`)));
      if (statSync(join(into, report.fileName)).size !== size) throw new Error("size differs");
      rmSync(into, { recursive: true });
    }
    const dlMem = stopDownload();
    const transferMs = median(downloads) - median(statuses);
    results.push({
      report: label,
      rows: report.rowCount,
      "size MB": +mb(size),
      "ready s": +(readyMs / 1000).toFixed(2),
      "hnctl download ms": Math.round(median(downloads)),
      "hnctl status ms": Math.round(median(statuses)),
      "transfer MB/s": Math.round(size / 1024 / 1024 / (transferMs / 1000)),
      "cp ms": Math.round(median(copies)),
      "cp MB/s": Math.round(size / 1024 / 1024 / (median(copies) / 1000)),
      "RSS before → max MB": `${mb(mem.before.rss)} → ${mb(mem.max.rss)}`,
      "heap before → max MB": `${mb(mem.before.heapUsed)} → ${mb(mem.max.heapUsed)}`,
      "RSS during downloads max MB": +mb(dlMem.max.rss),
    });
  }
  console.table(results);

  if (DOWNLOAD_MB > 0) {
    // The roster's file grown to DOWNLOAD_MB of its own CSV repeated; size and checksum updated so the
    // CLI checks the download against them as it does for any report.
    const row = await ctx.db
      .selectFrom("reports")
      .selectAll()
      .where("id", "=", rosterId)
      .executeTakeFirstOrThrow();
    const file = storedFile(ctx, row);
    const csv = readFileSync(file);
    const block = Buffer.alloc(4 * 1024 * 1024);
    for (let at = 0; at < block.length; at += csv.length) csv.copy(block, at);
    const size = DOWNLOAD_MB * 1024 * 1024;
    const hash = createHash("sha256");
    const fd = openSync(file, "w");
    for (let done = 0; done < size; done += block.length) {
      const part = block.subarray(0, Math.min(block.length, size - done));
      hash.update(part);
      writeSync(fd, part);
    }
    closeSync(fd);
    await ctx.db
      .updateTable("reports")
      .set({ size_bytes: size, sha256: hash.digest("hex") })
      .where("id", "=", rosterId)
      .execute();
    const url = `${portal.url}/v1/reports/${rosterId}/file`;
    const hasCurl = spawnSync("curl", ["--version"]).status === 0;
    const cpuMs = async (fn) => {
      const before = process.cpuUsage();
      const ms = await fn();
      const cpu = process.cpuUsage(before);
      return { ms, portalCpuMs: (cpu.user + cpu.system) / 1000 };
    };
    // The machine may be shared: each timed step waits (up to 30 s) for both CPUs to be at least 85% idle
    // over half a second; steps that had to start on a busy machine anyway are counted and printed.
    const cpuTimes = () => {
      const fields = readFileSync("/proc/stat", "utf8")
        .split("\n")[0]
        .trim()
        .split(/\s+/)
        .slice(1)
        .map(Number);
      return { idle: fields[3] + fields[4], total: fields.reduce((a, b) => a + b, 0) };
    };
    let busySteps = 0;
    const quiet = async () => {
      if (!existsSync("/proc/stat")) return;
      for (const until = Date.now() + 30_000; ;) {
        const a = cpuTimes();
        await new Promise((r) => setTimeout(r, 500));
        const b = cpuTimes();
        if ((b.idle - a.idle) / (b.total - a.total) >= 0.85) return;
        if (Date.now() > until) return void busySteps++;
      }
    };
    const t = { dd: [], cp: [], curl: [], curlSync: [], cli: [], status: [], curlCpu: [], cliCpu: [] };
    for (let i = 0; i < RUNS; i++) {
      const into = join(dir, `big-${i}`);
      mkdirSync(into);
      await timeCmd("sync", []); // each round starts with nothing dirty waiting for the disk
      await quiet();
      t.dd.push(
        await timeCmd("dd", [
          "if=/dev/zero",
          `of=${join(into, "dd")}`,
          "bs=1M",
          `count=${DOWNLOAD_MB}`,
          "conv=fsync",
          "status=none",
        ]),
      );
      const copy = join(into, "cp");
      await quiet();
      t.cp.push(await timeCmd("sh", ["-c", 'cp "$1" "$2" && sync "$2"', "sh", file, copy]));
      if (hasCurl) {
        const out = join(into, "curl");
        await quiet();
        const curl = await cpuMs(() =>
          timeCmd("curl", ["-sSf", "-o", out, "-H", `authorization: Bearer ${token}`, url]),
        );
        t.curl.push(curl.ms);
        t.curlCpu.push(curl.portalCpuMs);
        t.curlSync.push(curl.ms + (await timeCmd("sync", [out])));
      }
      await quiet();
      const cli = await cpuMs(() =>
        runCli(["report", "download", rosterId, "--output-dir", into, "--quiet"]),
      );
      t.cli.push(cli.ms);
      t.cliCpu.push(cli.portalCpuMs);
      await quiet();
      t.status.push(await runCli(["report", "status", rosterId]));
      if (statSync(join(into, rosterFileName)).size !== size) throw new Error("size differs");
      rmSync(into, { recursive: true });
    }
    const rate = (ms) => Math.round(DOWNLOAD_MB / (ms / 1000));
    const line = (what, times, cpu) => ({
      what,
      "median s": +(median(times) / 1000).toFixed(2),
      "MB/s (median)": rate(median(times)),
      "MB/s min–max": `${rate(Math.max(...times))}–${rate(Math.min(...times))}`,
      "portal CPU s": cpu ? +(median(cpu) / 1000).toFixed(2) : "",
    });
    const statusMs = median(t.status);
    console.log(
      `\n${DOWNLOAD_MB} MB, ${RUNS} rounds; \`hnctl report status\` (start-up + 1 call) ${Math.round(statusMs)} ms, ` +
        `taken off each download; ${busySteps} step(s) started on a busy machine; load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")}`,
    );
    console.table([
      line("dd if=/dev/zero conv=fsync (the disk)", t.dd),
      line("cp + sync FILE", t.cp),
      ...(hasCurl
        ? [line("curl -o", t.curl, t.curlCpu), line("curl -o, then sync FILE", t.curlSync, t.curlCpu)]
        : []),
      line(
        "hnctl report download (fsync) − status",
        t.cli.map((ms) => ms - statusMs),
        t.cliCpu,
      ),
    ]);
  }
  await portal.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
