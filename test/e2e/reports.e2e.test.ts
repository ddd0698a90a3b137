import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BIN,
  cliEnv,
  registerPrimary,
  runCli,
  startPortalProcess,
  type PortalProcess,
} from "../helpers/cli.js";

let portal: PortalProcess;
let admin: ReturnType<typeof cliEnv>;
let work: string;
let token: string;
const cli = (args: string[]) => runCli(args, { env: admin.env, timeoutMs: 30_000 });
const json = async (args: string[]) => {
  const r = await cli([...args, "--json"]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return JSON.parse(r.stdout);
};

/** Runs a command the way cron does: `env -i` with only PATH, HOME and HNCTL_TOKEN (plus the portal URL flag). */
function cron(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      "env",
      [
        "-i",
        `PATH=${process.env.PATH}`,
        `HOME=${work}`,
        `HNCTL_TOKEN=${token}`,
        BIN,
        ...args,
        "--api-url",
        portal.url,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  portal = await startPortalProcess();
  admin = cliEnv(portal.url);
  work = mkdtempSync(join(tmpdir(), "hnctl-reports-"));
  await registerPrimary(portal, admin.env);
  const t = await cli([
    "auth",
    "token",
    "create",
    "--name",
    "reports-cron",
    "--feature",
    "reports.run",
    "--expires",
    "366d",
    "--json",
  ]);
  expect(t.code, t.stderr).toBe(0);
  token = JSON.parse(t.stdout).token;
}, 60_000);
afterAll(async () => {
  await portal?.stop();
  admin?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe("report commands", () => {
  it("types, request --wait (downloads), list, status, download (atomic, 0600, no overwrite without --force)", async () => {
    const types = await json(["report", "types"]);
    expect(types.types).toHaveLength(7);
    const human = await cli(["report", "types"]);
    expect(human.stdout).toContain("enrollment-roster — Enrollment roster");

    const dir = join(work, "one");
    mkdirSync(dir);
    const waited = await cli([
      "report",
      "request",
      "enrollment-roster",
      "--columns",
      "employee_number,group",
      "--wait",
      "60s",
      "--output-dir",
      dir,
    ]);
    expect(waited.code, waited.stderr).toBe(0);
    const file = waited.stdout.trim();
    expect(file).toMatch(/enrollment-roster_\d{4}-\d\d-\d\d_rpt_[0-9a-f]+\.csv$/);
    expect(readFileSync(file, "utf8").split("\n")[0]).toBe("employee_number,group");
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const req = await cli(["report", "request", "dependents-roster", "--format", "json", "--notify"]);
    expect(req.code, req.stderr).toBe(0);
    const id = req.stdout.trim();
    expect(id).toMatch(/^rpt_/);
    await new Promise((r) => setTimeout(r, 1000));
    const status = await cli(["report", "status", id]);
    expect(status.stdout).toMatch(/status:\s+ready/);
    const list = await cli(["report", "list"]);
    expect(list.stdout).toContain(id);
    const out = join(dir, "deps.json");
    expect((await cli(["report", "download", id, "--output", out])).code).toBe(0);
    expect(Array.isArray(JSON.parse(readFileSync(out, "utf8")))).toBe(true);
    const again = await cli(["report", "download", id, "--output", out]);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/already exists/);
    expect((await cli(["report", "download", id, "--output", out, "--force"])).code).toBe(0);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("bad input: unknown type or column, old or reversed period, unknown group, someone else's report", async () => {
    const type = await cli(["report", "request", "salaries"]);
    expect(type.code).toBe(6);
    const column = await cli(["report", "request", "enrollment-roster", "--columns", "member_id,salary"]);
    expect(column.code).toBe(6);
    expect(column.stderr).toMatch(/unknown column "salary"/);
    const old = await cli([
      "report",
      "request",
      "membership-changes",
      "--from",
      "2001-01-01",
      "--to",
      "2001-02-01",
    ]);
    expect(old.code).toBe(6);
    expect(old.stderr).toMatch(/more than two years ago: reports cover \d{4}-\d\d-\d\d onwards/);
    const reversed = await cli([
      "report",
      "request",
      "membership-changes",
      "--from",
      "2026-10-31",
      "--to",
      "2026-10-01",
    ]);
    expect(reversed.stderr).toMatch(/reversed/);
    const group = await cli(["report", "request", "enrollment-roster", "--group", "G9999999"]);
    expect(group.code).toBe(6);
    expect(group.stderr).toMatch(/unknown group G9999999/);
    const missing = await cli(["report", "download", "rpt_000000000000000000000000"]);
    expect(missing.code).toBe(3);
  });

  it("an output folder that cannot be written: a clear error and no partial file", async () => {
    const notADir = join(work, "plain-file");
    writeFileSync(notADir, "");
    const r = await cron(["report", "pull", "cobra-roster", "--output-dir", notADir, "--quiet"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")[0]).toMatch(
      /^hnctl: cannot write .*: a part of the path is not a folder$/,
    );
    expect(readFileSync(notADir, "utf8")).toBe("");
  });

  it.skipIf(process.getuid?.() === 0)(
    "an unwritable output folder (permissions): a clear error and no partial file",
    async () => {
      const dir = join(work, "readonly");
      mkdirSync(dir);
      chmodSync(dir, 0o500);
      try {
        const r = await cron(["report", "pull", "cobra-roster", "--output-dir", dir, "--quiet"]);
        expect(r.code).toBe(1);
        expect(r.stderr.trim().split("\n")[0]).toMatch(/^hnctl: cannot write .*: permission denied$/);
        expect(readdirSync(dir)).toEqual([]);
      } finally {
        chmodSync(dir, 0o700);
      }
    },
  );

  it("cron: pull and download --schedule --latest under env -i with only PATH, HOME and HNCTL_TOKEN; a lock", async () => {
    const dir = join(work, "cron");
    mkdirSync(dir);
    const pulled = await cron(["report", "pull", "enrollment-roster", "--output-dir", dir, "--quiet"]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout + pulled.stderr).toBe("");
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^enrollment-roster_\d{4}-\d\d-\d\d_rpt_[0-9a-f]+\.csv$/);

    // An overlapping run: the folder is locked by a live process.
    const sleeper = spawn("sleep", ["30"]);
    writeFileSync(join(dir, ".hnctl-report.lock"), `${sleeper.pid}\n`);
    const locked = await cron(["report", "pull", "enrollment-roster", "--output-dir", dir, "--quiet"]);
    sleeper.kill();
    expect(locked.code).toBe(75);
    expect(locked.stderr).toMatch(/another hnctl report run \(pid \d+\) is writing to/);
    expect(readdirSync(dir)).toHaveLength(2); // the file and the lock, nothing new
    // A stale lock (its process is gone) is taken over.
    await new Promise((r) => setTimeout(r, 200));
    const after = await cron(["report", "pull", "cobra-roster", "--output-dir", dir, "--quiet"]);
    expect(after.code, after.stderr).toBe(0);
    expect(existsSync(join(dir, ".hnctl-report.lock"))).toBe(false);

    // A recurring report, run by the portal's scheduler when the sandbox clock moves.
    const created = await cli([
      "report",
      "schedule",
      "create",
      "weekly-roster",
      "--type",
      "enrollment-roster",
      "--weekly",
      "monday",
      "--notify",
    ]);
    expect(created.code, created.stderr).toBe(0);
    const updated = await cli([
      "report",
      "schedule",
      "update",
      "weekly-roster",
      "--columns",
      "employee_number,status",
    ]);
    expect(updated.code, updated.stderr).toBe(0);
    expect((await cli(["report", "schedule", "list"])).stdout).toContain("weekly on monday");
    const none = await cron([
      "report",
      "download",
      "--schedule",
      "weekly-roster",
      "--latest",
      "--output-dir",
      dir,
      "--quiet",
    ]);
    expect(none.code).toBe(3);
    expect(none.stderr.trim().split("\n")[0]).toBe(
      "hnctl: recurring report weekly-roster has no ready run yet",
    );
    const adv = await runCli(["portal", "clock", "advance", "8d"], {
      env: { ...admin.env, HNCTL_TOKEN: token },
    });
    expect(adv.code, adv.stderr).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    const latest = await cron([
      "report",
      "download",
      "--schedule",
      "weekly-roster",
      "--latest",
      "--output-dir",
      dir,
      "--quiet",
    ]);
    expect(latest.code, latest.stderr).toBe(0);
    expect(latest.stdout + latest.stderr).toBe("");
    const scheduled = readdirSync(dir).filter(
      (n) => !files.includes(n) && n.startsWith("enrollment-roster_"),
    );
    expect(scheduled).toHaveLength(1);
    expect(readFileSync(join(dir, scheduled[0]!), "utf8").split("\n")[0]).toBe("employee_number,status");
    // Already there: skipped, still silent and successful.
    const twice = await cron([
      "report",
      "download",
      "--schedule",
      "weekly-roster",
      "--latest",
      "--output-dir",
      dir,
      "--quiet",
    ]);
    expect(twice.code).toBe(0);
    expect(twice.stdout + twice.stderr).toBe("");
    const deleted = await cli(["report", "schedule", "delete", "weekly-roster", "--yes"]);
    expect(deleted.code).toBe(0);
  });
});
