import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, cliEnv, PASSWORD, runCli, startPortalProcess, type PortalProcess } from "../helpers/cli.js";

let portal: PortalProcess;
let admin: ReturnType<typeof cliEnv>;
let effective: string;

const HEADER =
  "action,employee_number,relationship,first_name,last_name,ssn,date_of_birth,sex,phone,address_line1,city,state,zip,group_number,subgroup,location,plan,effective_date,hire_date,termination_date";

function roster(
  from: number,
  count: number,
  over: (i: number) => Partial<Record<string, string>> = () => ({}),
) {
  const lines = [HEADER];
  for (let i = from; i < from + count; i++) {
    const o = over(i);
    const ssn = `${200 + Math.floor(i / 5000)}-${String(10 + (i % 80)).padStart(2, "0")}-${String(1000 + i).slice(-4)}`;
    lines.push(
      `${o.action ?? ""},X${i},subscriber,Pat${i},Roster,${ssn},1980-05-05,F,${o.phone ?? "313-555-0100"},1 Main St,Detroit,MI,48201,G1000001,SAL,DET,PPO-1000,${effective},2020-01-06,${o.termination_date ?? ""}`,
    );
  }
  return lines.join("\r\n") + "\r\n";
}

function write(name: string, text: string): string {
  const path = join(admin.configDir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  portal = await startPortalProcess();
  admin = cliEnv(portal.url);
  const reg = [
    "register",
    "--group-number",
    "G1000001",
    "--policyholder-id",
    "1234",
    "--key",
    portal.registrationKey!,
    "--username",
    "acme-admin",
    "--password-stdin",
  ];
  expect((await runCli(reg, { env: admin.env, input: PASSWORD })).code).toBe(0);
  expect(
    (await runCli(["login", "-u", "acme-admin", "--password-stdin"], { env: admin.env, input: PASSWORD }))
      .code,
  ).toBe(0);
  const clock = JSON.parse((await runCli(["portal", "clock", "show", "--json"], { env: admin.env })).stdout);
  const now = new Date(clock.now);
  effective = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
});
afterAll(async () => {
  admin?.cleanup();
  await portal?.stop();
});

describe("member import (built CLI, real portal)", () => {
  it("prints the template, plans with --dry-run without writing, imports, and reports unchanged on a re-run", async () => {
    const template = await runCli(["member", "import", "template"], { env: admin.env });
    expect(template.code).toBe(0);
    expect(template.stdout.split("\n")[0]).toMatch(/^action,employee_number,relationship,first_name/);

    const file = write("first.csv", roster(1, 5));
    const dry = await runCli(["member", "import", file, "--dry-run"], { env: admin.env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Plan: 5 to add, 0 to change, 0 to terminate, 0 unchanged/);
    const again = await runCli(["member", "import", file, "--dry-run", "--json"], { env: admin.env });
    expect(JSON.parse(again.stdout)).toMatchObject({ dryRun: true, added: 5 });
    // Batches are planned two at a time; the plan still lists them in file order.
    const small = await runCli(["member", "import", file, "--dry-run", "--json", "--batch-size", "2"], {
      env: admin.env,
    });
    const plan = JSON.parse(small.stdout) as { added: number; lines: { lines: number[] }[] };
    expect(plan.added).toBe(5);
    expect(plan.lines.map((l) => l.lines[0])).toEqual([2, 3, 4, 5, 6]);

    const results = join(admin.configDir, "results");
    const run = await runCli(["member", "import", file, "--results-dir", results], { env: admin.env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/5 added, 0 changed, 0 unchanged/);
    expect(run.stderr).toMatch(/Imported 5\/5 rows/);
    const success = readdirSync(results).find((f) => f.endsWith("-success.csv"))!;
    const lines = readFileSync(join(results, success), "utf8").trim().split("\n");
    expect(lines[0]).toMatch(/,line,outcome,member_id,changes$/);
    expect(lines).toHaveLength(6);

    const rerun = await runCli(["member", "import", file, "--results-dir", results, "--json"], {
      env: admin.env,
    });
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ added: 0, changed: 0, unchanged: 5, failedRows: 0 });
  });

  it("shows field diffs, writes failed rows with line and error, exits 7 when some rows failed", async () => {
    const text = roster(1, 3, (i) => (i === 2 ? { phone: "313-555-0199" } : {})).replace(
      "X3,subscriber,Pat3,Roster",
      "X3,subscriber,Pat3,=cmd|' /C calc'!A0",
    );
    const file = write(
      "edit.csv",
      text +
        `,X9,subscriber,Bad,Date,123-45-6700,13/01/1980,F,,,,,,G1000001,SAL,DET,PPO-1000,${effective},2020-01-06,\r\n`,
    );
    const dry = await runCli(["member", "import", file, "--dry-run"], { env: admin.env });
    expect(dry.stdout).toMatch(/subscriber\.phone: 313-555-0100 → 313-555-0199/);
    expect(dry.stdout).toMatch(/line 5[\s\S]*date_of_birth: 13\/01\/1980 looks like day\/month order/);
    expect(dry.code).toBe(7);
    const results = join(admin.configDir, "results-edit");
    const run = await runCli(["member", "import", file, "--results-dir", results], { env: admin.env });
    expect(run.code, run.stderr).toBe(7);
    const failed = readFileSync(
      join(
        results,
        readdirSync(results).find((f) => f.endsWith("-failed.csv"))!,
      ),
      "utf8",
    );
    expect(failed, failed).toMatch(/,5,"?date_of_birth: 13\/01\/1980 looks like day\/month order/);
    const success = readFileSync(
      join(
        results,
        readdirSync(results).find((f) => f.endsWith("-success.csv"))!,
      ),
      "utf8",
    );
    // Formula-looking cells are escaped in every CSV hnctl writes.
    expect(success).toMatch(/'=cmd/);
  });

  it("guards terminations: listed, refused without --yes or --allow-terminations when not interactive", async () => {
    const file = write(
      "term.csv",
      roster(1, 2, (i) => (i === 1 ? { action: "terminate", termination_date: "2099-12-31" } : {})),
    );
    const refused = await runCli(["member", "import", file], { env: admin.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /1 termination in the file \(line 2 X1 Pat1 Roster\): pass --yes or --allow-terminations 1/,
    );
    const dry = await runCli(["member", "import", file, "--dry-run"], { env: admin.env });
    expect(dry.stdout).toMatch(/To terminate:\n {2}- line 2 {2}X1 Pat1 Roster/);
  });

  it("resumes an interrupted import from its journal without applying anything twice", async () => {
    const file = write("big.csv", roster(100, 120));
    const results = join(admin.configDir, "results-big");
    // Ctrl-C once the first batches have landed: the CLI finishes the batches in flight and stops.
    const child = spawn(
      process.execPath,
      [BIN, "member", "import", file, "--batch-size", "5", "--results-dir", results],
      {
        env: { PATH: process.env.PATH!, HOME: process.env.HOME!, NO_COLOR: "1", ...admin.env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    let interrupted = false;
    child.stderr.on("data", (d) => {
      stderr += d;
      if (!interrupted && /Imported \d+/.test(stderr)) {
        interrupted = true;
        child.kill("SIGINT");
      }
    });
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(code, stderr).toBe(130);
    expect(stdout).toMatch(/Interrupted[\s\S]*Continue with: hnctl member import resume --job-id imp_/);
    const unprocessed = readFileSync(
      join(
        results,
        readdirSync(results).find((f) => f.endsWith("-unprocessed.csv"))!,
      ),
      "utf8",
    );
    expect(unprocessed.trim().split("\n").length).toBeGreaterThan(1);

    const resumed = await runCli(["member", "import", "resume", "--use-most-recent", "--json"], {
      env: admin.env,
      timeoutMs: 60_000,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.unprocessedRows).toBe(0);
    expect(summary.failedRows).toBe(0);
    // Everything was added exactly once: the resumed job reports the earlier rows from the portal's record.
    expect(summary.added).toBe(120);
    const rerun = await runCli(["member", "import", file, "--json"], { env: admin.env, timeoutMs: 60_000 });
    expect(JSON.parse(rerun.stdout)).toMatchObject({ added: 0, unchanged: 120 });
  });

  it("exports the roster in the template's columns, and the export imports back unchanged", async () => {
    const out = join(admin.configDir, "export.csv");
    const exp = await runCli(["member", "export", "--output", out], { env: admin.env, timeoutMs: 60_000 });
    expect(exp.code, exp.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text.split("\n")[0]).toBe(
      (await runCli(["member", "import", "template"], { env: admin.env })).stdout.split("\n")[0],
    );
    expect(text).toMatch(/\*\*\*-\*\*-\d{4}/);
    const back = await runCli(["member", "import", out, "--dry-run", "--json"], {
      env: admin.env,
      timeoutMs: 60_000,
    });
    expect(back.code, back.stderr).toBe(0);
    const plan = JSON.parse(back.stdout);
    expect(plan, JSON.stringify(plan.lines.slice(0, 3))).toMatchObject({
      added: 0,
      changed: 0,
      failed: 0,
      invalid: 0,
    });
  });

  it("refuses an empty file and a file missing required columns before sending anything", async () => {
    const empty = await runCli(["member", "import", write("empty.csv", "")], { env: admin.env });
    expect(empty.code).toBe(6);
    expect(empty.stderr).toMatch(/is empty \(0 bytes\)/);
    const missing = await runCli(["member", "import", write("cols.csv", "first_name,last_name\nPat,X\n")], {
      env: admin.env,
    });
    expect(missing.code).toBe(6);
    expect(missing.stderr).toMatch(/missing required column/);
  });
});
