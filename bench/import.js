// Bulk roster import throughput, end to end: the built CLI against a real portal process.
//
//   npm run bench:import [-- EMPLOYEES]        (default 100,000 employees ≈ 250,000 people)
//
// Generates a roster CSV (a subscriber row and 0-4 dependent rows per employee, deterministic), starts
// `portal serve --demo` on a temp database, signs in, and times with /usr/bin/time (wall clock and the
// CLI's peak RSS): a --dry-run against the empty portal, the first import, a no-change re-run and a
// --dry-run of the same file after the import. Also times a bare csv-parse of the same file in this
// process, so rows/s can be read next to the raw parse rate.
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout } from "node:timers";
import { parse } from "csv-parse";

const EMPLOYEES = Number(process.argv[2] ?? 100_000);
const BIN = resolve("bin/run.js");
const PASSWORD = "blue harbor lantern 42";
const dir = mkdtempSync(join(tmpdir(), "hnctl-bench-import-"));

let seed = 0x5eed;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];
const FIRST = [
  "Alex",
  "Sam",
  "Jordan",
  "Taylor",
  "Casey",
  "Riley",
  "Morgan",
  "Jamie",
  "Avery",
  "Quinn",
  "Drew",
  "Reese",
];
const LAST = [
  "Abbott",
  "Baker",
  "Chen",
  "Diaz",
  "Evans",
  "Fischer",
  "Garcia",
  "Hughes",
  "Ito",
  "Jensen",
  "Khan",
  "Lopez",
];
// Group, subgroup, location and the plans the demo offers to that group.
const PLACES = [
  ["G1000001", "SAL", "DET", ["PPO-1000", "EPO-750", "HDHP-3000"]],
  ["G1000001", "HRL", "TOL", ["PPO-1000", "EPO-750", "HDHP-3000"]],
  ["G1000002", "", "GRR", ["PPO-1000"]],
];

let ssnCounter = 0;
function ssn() {
  const n = ssnCounter++;
  const serial = 1000 + (n % 8999);
  const rest = Math.floor(n / 8999);
  return `${100 + Math.floor(rest / 89)}-${String(10 + (rest % 89)).padStart(2, "0")}-${serial}`;
}
const date = (y0, y1) =>
  `${y0 + Math.floor(random() * (y1 - y0))}-${String(1 + Math.floor(random() * 12)).padStart(2, "0")}-${String(1 + Math.floor(random() * 28)).padStart(2, "0")}`;

async function generate(file, effective) {
  const out = createWriteStream(file);
  out.write(
    "action,employee_number,relationship,first_name,last_name,ssn,date_of_birth,sex,marital_status,email,phone,address_line1,city,state,zip,group_number,subgroup,location,plan,effective_date,hire_date,employment_status\n",
  );
  let rows = 0;
  for (let i = 1; i <= EMPLOYEES; i++) {
    const emp = `B${String(i).padStart(7, "0")}`;
    const last = pick(LAST) + (i % 97);
    const [group, sub, loc, plans] = pick(PLACES);
    const deps = Math.floor(random() * 5) === 0 ? 0 : Math.floor(random() * 4) + (random() < 0.3 ? 1 : 0);
    const married = deps > 0 && random() < 0.7;
    const line = `,${emp},subscriber,${pick(FIRST)},${last},${ssn()},${date(1960, 2000)},${pick(["F", "M"])},${married ? "married" : "single"},${emp.toLowerCase()}@example.com,313-555-${String(i % 10000).padStart(4, "0")},${i} Main Street,Detroit,MI,48201,${group},${sub},${loc},${pick(plans)},${effective},2015-03-02,full-time\n`;
    if (!out.write(line)) await new Promise((r) => out.once("drain", r));
    rows++;
    for (let d = 0; d < deps; d++) {
      const spouse = married && d === 0;
      out.write(
        `,${emp},${spouse ? "spouse" : "child"},${pick(FIRST)}${d},${last},${ssn()},${spouse ? date(1960, 2000) : date(2005, 2024)},${pick(["F", "M"])},,,,,,,,,,,,${effective},,\n`,
      );
      rows++;
    }
  }
  await new Promise((r) => out.end(r));
  return rows;
}

// BENCH_CLI_NODE_ARGS passes Node options to the timed CLI runs (e.g. --max-old-space-size=64).
const cliNodeArgs = (process.env.BENCH_CLI_NODE_ARGS ?? "").split(" ").filter(Boolean);
function run(args, env, input) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      "/usr/bin/time",
      ["-f", "TIME %e %M", process.execPath, ...cliNodeArgs, BIN, ...args],
      {
        env: { ...env, PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const m = /TIME ([\d.]+) (\d+)/.exec(stderr);
      resolvePromise({ code, stdout, stderr, seconds: Number(m?.[1]), rssMb: Number(m?.[2]) / 1024 });
    });
    child.stdin.end(input ?? "");
  });
}

async function rawParse(file) {
  const t0 = performance.now();
  let n = 0;
  const parser = createReadStream(file).pipe(parse({ bom: true }));
  for await (const _ of parser) n++;
  return { rows: n - 1, seconds: (performance.now() - t0) / 1000 };
}

// BENCH_PORTAL_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the portal process.
const portalNodeArgs = (process.env.BENCH_PORTAL_NODE_ARGS ?? "").split(" ").filter(Boolean);
const portal = spawn(
  process.execPath,
  [
    ...portalNodeArgs,
    BIN,
    "portal",
    "serve",
    "--demo",
    "--port",
    "0",
    "--log-level",
    "warn",
    "--db",
    join(dir, "portal.db"),
  ],
  {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  },
);
try {
  let out = "";
  const url = await new Promise((r) =>
    portal.stdout.on("data", (d) => {
      out += d;
      const m = /Portal listening on (\S+)\n/.exec(out);
      if (m) setTimeout(() => r(m[1]), 100);
    }),
  );
  const key = /Registration key for the primary administrator: (\S+)/.exec(out)[1];
  const env = { HNCTL_API_URL: url, HNCTL_CONFIG_DIR: join(dir, "cfg"), HNCTL_CREDENTIAL_STORE: "file" };
  await run(
    [
      "register",
      "--group-number",
      "G1000001",
      "--policyholder-id",
      "1234",
      "--key",
      key,
      "--username",
      "bench",
      "--password-stdin",
    ],
    env,
    PASSWORD,
  );
  await run(["login", "-u", "bench", "--password-stdin"], env, PASSWORD);
  const clock = JSON.parse((await run(["portal", "clock", "show", "--json"], env)).stdout);
  const now = new Date(clock.now ?? Date.now());
  const effective = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
    .toISOString()
    .slice(0, 10);
  const file = join(dir, "roster.csv");
  const rows = await generate(file, effective);
  const mb = statSync(file).size / 1e6;
  console.log(
    `roster: ${EMPLOYEES.toLocaleString("en-US")} employees, ${rows.toLocaleString("en-US")} rows, ${mb.toFixed(1)} MB`,
  );
  const raw = await rawParse(file);
  const rate = (s) => Math.round(rows / s).toLocaleString("en-US");
  console.log(`csv-parse alone:          ${raw.seconds.toFixed(2)} s  (${rate(raw.seconds)} rows/s)`);
  const results = join(dir, "results");
  const steps = [
    ["dry-run (empty portal)", ["member", "import", file, "--dry-run", "--json"]],
    ["first import", ["member", "import", file, "--results-dir", results]],
    ["re-run (no changes)", ["member", "import", file, "--results-dir", results]],
    ["dry-run (after import)", ["member", "import", file, "--dry-run", "--json"]],
  ];
  for (const [name, args] of steps) {
    const r = await run(args, env);
    const tail = r.code === 0 ? "" : `  exit ${r.code}: ${r.stderr.split("\n").slice(-4).join(" | ")}`;
    console.log(
      `${(name + ":").padEnd(26)}${r.seconds.toFixed(1).padStart(6)} s  (${rate(r.seconds)} rows/s)  peak RSS ${r.rssMb.toFixed(0)} MB${tail}`,
    );
    if (name === "re-run (no changes)") console.log(`  ${r.stdout.split("\n")[0]}`);
    if (name === "first import" && process.env.BENCH_SHOW_FAILED) {
      const { readdirSync, readFileSync } = await import("node:fs");
      const failed = readdirSync(results).find((f) => f.endsWith("-failed.csv"));
      console.log(readFileSync(join(results, failed), "utf8").split("\n").slice(0, 4).join("\n"));
    }
  }
} finally {
  portal.kill("SIGTERM");
  await new Promise((r) => portal.on("exit", r));
  rmSync(dir, { recursive: true, force: true });
}
