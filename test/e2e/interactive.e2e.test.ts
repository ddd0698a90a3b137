import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, cliEnv, PASSWORD, runCli, startPortalProcess, type PortalProcess } from "../helpers/cli.js";
import { terminal, tmuxAvailable } from "../helpers/tmux.js";

/**
 * The prompts a person answers at a terminal, in a real one (tmux). CI installs tmux; where it is
 * missing this file cannot run, and under CI=true that is a failure.
 */
it("a terminal (tmux) is available where the interactive tests must run (CI)", () => {
  if (process.env.CI) expect(tmuxAvailable, "CI must install tmux (.ci/run)").toBe(true);
});

let portal: PortalProcess;
let user: ReturnType<typeof cliEnv>;
const cli = (...args: string[]) => [process.execPath, BIN, ...args];

describe.runIf(tmuxAvailable)("at a terminal", () => {
  beforeAll(async () => {
    portal = await startPortalProcess();
    user = cliEnv(portal.url);
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
    expect((await runCli(reg, { env: user.env, input: PASSWORD })).code).toBe(0);
  });
  afterAll(async () => {
    user?.cleanup();
    await portal?.stop();
  });

  it("login asks for the password without echo", async () => {
    const t = terminal(cli("login", "--username", "acme-admin"), user.env);
    try {
      await t.waitFor("Password for acme-admin");
      t.type(PASSWORD, "Enter");
      const screen = await t.waitFor("[exit 0]");
      expect(screen).not.toContain(PASSWORD);
      expect(screen).toContain("Logged in");
    } finally {
      t.close();
    }
  });

  it("member enroll asks for everything, offering the caller's groups, plans and PCPs", async () => {
    const t = terminal(cli("member", "enroll"), user.env);
    try {
      const answer = async (prompt: string, ...keys: string[]) => {
        await t.waitFor(prompt);
        t.type(...keys);
      };
      await answer("Group", "Enter"); // G1000001
      await answer("Subgroup", "Enter");
      await answer("Location", "Enter");
      await t.waitFor("Plan");
      t.type("Down", "Down"); // EPO, HDHP, HMO: the HMO asks for PCPs
      await answer("HMO-500", "Enter");
      await answer("Employee: first name", "Ana", "Enter");
      await answer("Employee: last name", "Terminal", "Enter");
      await answer("Employee: date of birth", "1991-03-14", "Enter");
      await answer("Employee: sex", "Enter");
      await answer("Employee: SSN", "214-55-8801", "Enter");
      await answer("Employee: marital status", "Enter");
      await answer("Employee: address", "12 Elm Street, Detroit, MI 48201", "Enter");
      await answer("PCP for the employee", "Enter");
      await answer("Add a dependent?", "n", "Enter");
      const nextMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1))
        .toISOString()
        .slice(0, 10);
      await answer("Coverage starts on", nextMonth, "Enter");
      await answer("Employee number", "T-1", "Enter");
      await answer("Hire date", "2024-01-02", "Enter");
      const screen = await t.waitFor(/\[exit \d+\]/, 15_000);
      expect(screen).toMatch(/Enrolled mbr_\w+: Ana Terminal, HMO-500, tier EE/);
      expect(screen).not.toContain("214-55-8801"); // the SSN prompt does not echo
    } finally {
      t.close();
    }
  });

  it("member cancel asks to type the member ID back, and a wrong answer changes nothing", async () => {
    const search = await runCli(["member", "search", "--name", "terminal", "--json"], { env: user.env });
    const id = JSON.parse(search.stdout).members[0].id as string;
    const end = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 2, 0))
      .toISOString()
      .slice(0, 10);
    const wrong = terminal(cli("member", "cancel", id, "--date", end, "--reason", "voluntary"), user.env);
    try {
      await wrong.waitFor(`type ${id} to confirm`);
      wrong.type("mbr_wrong", "Enter");
      const screen = await wrong.waitFor("[exit 2]");
      expect(screen).toContain("not confirmed; nothing was changed");
    } finally {
      wrong.close();
    }
    expect(
      JSON.parse((await runCli(["member", "show", id, "--json"], { env: user.env })).stdout).status,
    ).toBe("active");
    const right = terminal(cli("member", "cancel", id, "--date", end, "--reason", "voluntary"), user.env);
    try {
      await right.waitFor(`type ${id} to confirm`);
      right.type(id, "Enter");
      await right.waitFor("[exit 0]");
    } finally {
      right.close();
    }
    expect(
      JSON.parse((await runCli(["member", "show", id, "--json"], { env: user.env })).stdout).status,
    ).toBe("terminated");
  });
});
