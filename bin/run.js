#!/usr/bin/env node
// hnctl entry point. Kept tiny: everything it imports is paid for on every run.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  // npm installs a pinned Node 24 (the node@24 devDependency); use it when it is there.
  const pinned = fileURLToPath(new URL("../node_modules/node/bin/node", import.meta.url));
  if (existsSync(pinned) && !process.env.HNCTL_REEXEC) {
    const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, HNCTL_REEXEC: "1" },
    });
    // A supervisor's or cron's `kill PID` reaches this process only: pass it on, or a portal started
    // through here would outlive its stop. Ctrl-C already reaches both (the terminal signals the whole
    // process group), and the child decides what it means.
    process.on("SIGINT", () => {});
    for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
    child.on("error", (err) => {
      process.stderr.write(`hnctl: could not start the pinned Node (${pinned}): ${err.message}\n`);
      process.exit(1);
    });
    child.on("exit", (code, signal) => {
      if (code !== null) process.exit(code);
      // Ended by a signal: end the same way, so the caller sees what the child's caller would have.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    });
    // Nothing more runs here: this process only waits for the child, whose exit (above) ends it.
    await new Promise(() => {});
  }
  process.stderr.write(
    `hnctl: needs Node.js 22.13 or newer, this is ${process.version}; install Node 24 LTS (or run \`npm install\` in the hnctl folder for its pinned Node)\n`,
  );
  process.exit(1);
}

// A roster import keeps batches of rows in flight, and V8 sizes the heap for throughput: a 16 MB young
// generation (Node 24 grows it to ~90 MB more resident memory), and an old generation that may grow to
// twice what the last full GC kept (the default let it reach 4-5 times: ~35 MB live, ~160 MB heap).
// An import restarts itself in place (execve: same process, same signals, ~40 ms) with both; rows/s are
// within noise. A flag given in NODE_OPTIONS or on the command line wins.
const IMPORT_HEAP_FLAGS = ["--max-semi-space-size=16", "--heap-growing-percent=100"];
const given = (flag) =>
  process.execArgv.some((a) => a.startsWith(flag.split("=")[0])) ||
  process.env.NODE_OPTIONS?.includes(flag.split("=")[0]);
const isImport = process.argv[2] === "member" && process.argv[3] === "import";
const missing = isImport ? IMPORT_HEAP_FLAGS.filter((flag) => !given(flag)) : [];
if (missing.length && typeof process.execve === "function" && process.platform !== "win32") {
  const args = [...process.execArgv, ...missing, ...process.argv.slice(1)];
  process.execve(process.execPath, [process.execPath, ...args], process.env);
}

// `hnctl … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

// The compile cache must be on before oclif loads: a dynamic import, since static ones are hoisted.
(await import("node:module")).enableCompileCache?.();
// The subpath, not the package index: the index also checks oclif's own engines with semver (~47 modules).
const { execute } = await import("@oclif/core/execute");
await execute({ dir: import.meta.url });
