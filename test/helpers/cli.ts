import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const BIN = resolve("bin/run.js");
export const PASSWORD = "blue harbor lantern 42";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a child process, as a user or cron would: no TTY, its own config dir. */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: "1",
      ...opts.env,
    })) {
      if (v !== undefined) env[k] = v;
    }
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}

export interface PortalProcess {
  url: string;
  registrationKey: string | undefined;
  dir: string;
  proc: ChildProcess;
  /** Everything the portal wrote to stderr (its request log). */
  log(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `hnctl portal serve` on port 0 with a temp database and waits for "Portal listening on URL". */
export async function startPortalProcess(
  /** node: the Node binary that runs bin/run.js (default: the one running the tests). */
  opts: { demo?: boolean; dir?: string; extraArgs?: string[]; node?: string } = {},
): Promise<PortalProcess> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "hnctl-e2e-portal-"));
  const args = [
    "portal",
    "serve",
    "--port",
    "0",
    "--db",
    join(dir, "portal.db"),
    ...(opts.demo === false ? ["--sandbox"] : ["--demo"]),
    ...(opts.extraArgs ?? []),
  ];
  const proc = spawn(opts.node ?? process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  proc.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`portal did not start: ${stderr}`)), 20_000);
    proc.stdout!.on("data", (d) => {
      stdout += d;
      const m = /Portal listening on (\S+)\n/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    });
    proc.on("exit", (code) => reject(new Error(`portal exited with ${code}: ${stderr}`)));
  });
  // The key line is written right after the URL line, in the same tick.
  await new Promise((r) => setTimeout(r, 100));
  const registrationKey = /Registration key for the primary administrator: (\S+)/.exec(stdout)?.[1];
  return {
    url,
    registrationKey,
    dir,
    proc,
    log: () => stderr,
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null) proc.kill(signal);
      const code = await exited;
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** A fresh CLI environment (own config dir, file credential store) pointing at a portal. */
export function cliEnv(url: string): { env: Record<string, string>; configDir: string; cleanup(): void } {
  const configDir = mkdtempSync(join(tmpdir(), "hnctl-e2e-cfg-"));
  return {
    configDir,
    env: { HNCTL_API_URL: url, HNCTL_CONFIG_DIR: configDir, HNCTL_CREDENTIAL_STORE: "file" },
    cleanup: () => rmSync(configDir, { recursive: true, force: true }),
  };
}

/** Registers the demo primary administrator with the key the portal printed, and (by default) logs in. */
export async function registerPrimary(
  portal: PortalProcess,
  env: Record<string, string | undefined>,
  opts: { username?: string; login?: boolean } = {},
): Promise<void> {
  const username = opts.username ?? "acme-admin";
  const args = [
    "register",
    "--group-number",
    "G1000001",
    "--policyholder-id",
    "1234",
    "--key",
    portal.registrationKey!,
    "--username",
    username,
    "--password-stdin",
  ];
  const reg = await runCli(args, { env, input: PASSWORD });
  if (reg.code !== 0) throw new Error(`register failed: ${reg.stderr}`);
  if (opts.login === false) return;
  const login = await runCli(["login", "-u", username, "--password-stdin"], { env, input: PASSWORD });
  if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
}

/** Creates an API token with the CLI (for tests whose sandbox clock outlives a session) and returns its value. */
export async function createTokenWithCli(
  env: Record<string, string | undefined>,
  name: string,
): Promise<string> {
  const res = await runCli(["auth", "token", "create", "--name", name, "--expires", "366d", "--json"], {
    env,
  });
  if (res.code !== 0) throw new Error(`auth token create failed: ${res.stderr}`);
  return JSON.parse(res.stdout).token as string;
}
