#!/usr/bin/env node
// Start-up benchmark: one hyperfine run (with warm-up) of bare Node, `--version`, `whoami --help` and
// `whoami` against a local portal, all on the pinned Node 24. Prints each command's ratio to
// `node -e 0` and keeps hyperfine's JSON in bench/out/. Needs `npm run build` first and hyperfine on PATH.
//
//   npm run bench                 # 30 runs each
//   BENCH_RUNS=60 npm run bench   # more runs
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { clearTimeout, setTimeout } from "node:timers";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { registerArgs } from "./demo-admin.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const node = join(root, "node_modules", ".bin", "node");
const run = join(root, "bin", "run.js");
const outDir = join(root, "bench", "out");
const runs = Number(process.env.BENCH_RUNS || 30);
const warmup = Number(process.env.BENCH_WARMUP || 5);

/** Issue targets: ratio of each command's mean to `node -e 0`'s mean. */
const targets = { "hnctl --version": 3, "hnctl whoami --help": 3, "hnctl whoami": 4 };

const die = (message) => {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
};
const fail = (message) => {
  throw new Error(message);
};

if (!existsSync(node)) die(`the pinned Node is missing (${node}); run \`npm install\``);
if (
  !existsSync(join(root, "dist", "commands", "whoami.js")) ||
  !existsSync(join(root, "oclif.manifest.json"))
)
  die("dist/ or oclif.manifest.json is missing; run `npm run build` first");
if (spawnSync("hyperfine", ["--version"], { stdio: "ignore" }).status !== 0)
  die("hyperfine is not on PATH (https://github.com/sharkdp/hyperfine)");

const tmp = mkdtempSync(join(tmpdir(), "hnctl-bench-"));
const env = {
  ...process.env,
  HNCTL_CONFIG_DIR: join(tmp, "cfg"),
  HNCTL_CREDENTIAL_STORE: "file",
  NO_COLOR: "1",
};
let portal;

async function stopPortal() {
  if (!portal || portal.exitCode !== null || portal.signalCode !== null) return;
  const exited = new Promise((r) => portal.once("exit", r));
  portal.kill("SIGTERM");
  if ((await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])) === false) {
    portal.kill("SIGKILL");
    await exited;
  }
}

async function cleanup() {
  await stopPortal();
  rmSync(tmp, { recursive: true, force: true });
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

/** Starts `portal serve --demo` on a free port; resolves with its URL and the administrator's registration key. */
function startPortal() {
  const log = openSync(join(tmp, "portal.log"), "w");
  portal = spawn(
    node,
    [run, "portal", "serve", "--demo", "--port", "0", "--db", join(tmp, "portal.db"), "--log-level", "warn"],
    { cwd: root, env, stdio: ["ignore", "pipe", log] },
  );
  return new Promise((resolvePortal, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the portal did not start in 30 s:\n${out}`)), 30_000);
    portal.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the portal exited (${code}) before it was ready; see ${join(tmp, "portal.log")}`));
    });
    portal.stdout.setEncoding("utf8");
    portal.stdout.on("data", (chunk) => {
      out += chunk;
      const url = /Portal listening on (\S+)/.exec(out)?.[1];
      const key = /Registration key for the primary administrator: (\S+)/.exec(out)?.[1];
      if (url && key) {
        clearTimeout(timer);
        resolvePortal({ url, key });
      }
    });
  });
}

function hnctl(args, input) {
  const res = spawnSync(node, [run, ...args], { cwd: root, env, input, encoding: "utf8" });
  if (res.status !== 0)
    fail(`hnctl ${args.join(" ")} exited ${res.status}:\n${res.stdout}${res.stderr}`.trimEnd());
  return res.stdout;
}

const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

try {
  const { url, key } = await startPortal();
  env.HNCTL_API_URL = url;
  const password = "blue harbor lantern 42";
  hnctl(registerArgs(key, "bench-admin"), password);
  hnctl(["login", "--username", "bench-admin", "--password-stdin"], password);
  hnctl(["whoami"]);

  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const jsonFile = join(outDir, `startup-${stamp}.json`);
  const commands = [
    ["node -e 0", `${quote(node)} -e 0`],
    ["hnctl --version", `${quote(node)} ${quote(run)} --version`],
    ["hnctl whoami --help", `${quote(node)} ${quote(run)} whoami --help`],
    ["hnctl whoami", `${quote(node)} ${quote(run)} whoami`],
  ];
  const args = ["-N", "--warmup", String(warmup), "--runs", String(runs), "--export-json", jsonFile];
  for (const [name, cmd] of commands) args.push("-n", name, cmd);
  process.stdout.write(
    `node ${spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim()}, ${url}\n`,
  );
  const hf = spawnSync("hyperfine", args, { cwd: root, env, stdio: "inherit" });
  if (hf.status !== 0) fail(`hyperfine exited ${hf.status}`);

  const { results } = JSON.parse(readFileSync(jsonFile, "utf8"));
  const base = results.find((r) => r.command === "node -e 0");
  const ms = (s) => (s * 1000).toFixed(1);
  process.stdout.write(`\nRatios to \`node -e 0\` (${ms(base.mean)} ms ± ${ms(base.stddev)}):\n`);
  for (const r of results) {
    if (r === base) continue;
    const ratio = r.mean / base.mean;
    // σ of a quotient of independent means, first order.
    const sigma = ratio * Math.hypot(r.stddev / r.mean, base.stddev / base.mean);
    const target = targets[r.command];
    const verdict = target
      ? ratio <= target
        ? `ok (target ≤ ${target}×)`
        : `OVER (target ≤ ${target}×)`
      : "";
    process.stdout.write(
      `  ${r.command.padEnd(20)} ${ms(r.mean).padStart(7)} ms ± ${ms(r.stddev).padStart(5)}  ` +
        `${ratio.toFixed(2)}× ± ${sigma.toFixed(2)}  ${verdict}\n`,
    );
  }
  process.stdout.write(`\nhyperfine JSON: ${jsonFile}\n`);
} catch (err) {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
