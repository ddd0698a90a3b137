import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, PASSWORD, runCli, startPortalProcess, type PortalProcess } from "../helpers/cli.js";

let portal: PortalProcess;
beforeAll(async () => {
  portal = await startPortalProcess();
});
afterAll(async () => {
  await portal?.stop();
});

const registerArgs = (key: string, over: Record<string, string> = {}) => {
  const flags = {
    "group-number": "G1000001",
    "policyholder-id": "1234",
    key,
    username: "acme-admin",
    ...over,
  };
  return ["register", ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]), "--password-stdin"];
};

describe("quick start, as the README writes it", () => {
  it("outbox → register → login → whoami → auth status → logout", async () => {
    const { env, configDir, cleanup } = cliEnv(portal.url);
    try {
      expect(portal.registrationKey).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
      const outbox = await runCli(["portal", "outbox", "--last", "--json"], { env });
      expect(outbox.code).toBe(0);
      const mail = JSON.parse(outbox.stdout);
      expect(Object.keys(mail).sort()).toEqual(["body", "id", "sentAt", "subject", "to"]);
      expect(mail.body).toContain(portal.registrationKey);

      // Every refusal before the good registration must leave the key usable.
      const badPolicyholder = await runCli(
        registerArgs(portal.registrationKey!, { "policyholder-id": "999" }),
        { env, input: PASSWORD },
      );
      expect(badPolicyholder.code).toBe(6);
      expect(badPolicyholder.stderr).toMatch(/policyholderId/);
      const badGroup = await runCli(registerArgs(portal.registrationKey!, { "group-number": "G1000009" }), {
        env,
        input: PASSWORD,
      });
      expect(badGroup.code).toBe(6);
      expect(badGroup.stderr).toMatch(/groupNumber/);
      const weak = await runCli(registerArgs(portal.registrationKey!), { env, input: "short" });
      expect(weak.code).toBe(6);
      expect(weak.stderr).toMatch(/password must be at least 15 characters/);
      const noStdin = await runCli(registerArgs(portal.registrationKey!).slice(0, -1), { env });
      expect(noStdin.code).toBe(2);
      expect(noStdin.stderr).toMatch(/--password-stdin/);

      const reg = await runCli(registerArgs(portal.registrationKey!), { env, input: PASSWORD });
      expect(reg.stderr).toContain("Registered acme-admin (primary-admin)");
      expect(reg.code).toBe(0);
      const used = await runCli(registerArgs(portal.registrationKey!, { username: "someone-else" }), {
        env,
        input: PASSWORD,
      });
      expect(used.code).toBe(6);
      expect(used.stderr).toMatch(/already been used/);

      const nonTty = await runCli(["login", "--username", "acme-admin"], { env });
      expect(nonTty.code).toBe(2);
      expect(nonTty.stderr).toMatch(/no terminal.*\n.*--password-stdin/);
      const wrong = await runCli(["login", "--username", "acme-admin", "--password-stdin"], {
        env,
        input: "not the password at all",
      });
      expect(wrong.code).toBe(4);
      expect(wrong.stderr).toContain("wrong username or password");
      expect(existsSync(join(configDir, "credentials.json"))).toBe(false);

      const login = await runCli(["login", "--username", "acme-admin", "--password-stdin", "--json"], {
        env,
        input: PASSWORD,
      });
      expect(login.code).toBe(0);
      expect(login.stderr).toContain("plain file");
      const loginJson = JSON.parse(login.stdout);
      expect(loginJson).toMatchObject({ username: "acme-admin", profile: "default" });
      expect(login.stdout).not.toMatch(/hn[ar]_/);
      const credFile = join(configDir, "credentials.json");
      expect(statSync(credFile).mode & 0o777).toBe(0o600);
      const stored = JSON.parse(readFileSync(credFile, "utf8"));
      const account = `default@${new URL(portal.url).host}`;
      expect(stored[account].refreshToken).toMatch(/^hnr_/);

      const whoami = await runCli(["whoami"], { env });
      expect(whoami.code).toBe(0);
      expect(whoami.stdout).toMatch(/User:\s+acme-admin/);
      expect(whoami.stdout).toMatch(/Employer:\s+Acme Manufacturing, policyholder 000001234/);
      expect(whoami.stdout).not.toContain("\u001b["); // no colour codes when piped

      const status = await runCli(["auth", "status", "--json"], { env });
      expect(status.code).toBe(0);
      const st = JSON.parse(status.stdout);
      expect(st.credentialSource).toBe(`file ${credFile}`);
      expect(st.credential.kind).toBe("session");
      expect(status.stdout).not.toMatch(/hn[ar]_/);

      const logout = await runCli(["logout"], { env });
      expect(logout.code).toBe(0);
      const after = await runCli(["auth", "status"], { env });
      expect(after.code).toBe(4);
      expect(after.stderr).toMatch(/not logged in/);
      expect(JSON.parse(readFileSync(credFile, "utf8"))[account]).toBeUndefined();
      // The revoked refresh token no longer works on the portal.
      const res = await fetch(`${portal.url}/v1/auth/refresh`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ refreshToken: stored[account].refreshToken }),
      });
      expect(res.status).toBe(401);
    } finally {
      cleanup();
    }
  });

  it("the portal's request log holds no password, token or registration key", () => {
    const log = portal.log();
    expect(log).toContain('"path":"/v1/auth/login"');
    expect(log).not.toContain(PASSWORD);
    expect(log).not.toMatch(/hn[art]_[A-Za-z0-9_-]{20}/);
    expect(log).not.toContain(portal.registrationKey!);
    expect(log.toLowerCase()).not.toContain("authorization");
  });
});

describe("profiles", () => {
  it("a profile remembers its own portal URL and username", async () => {
    const { env, cleanup } = cliEnv(portal.url);
    const { HNCTL_API_URL: _, ...noUrl } = env;
    try {
      const login = await runCli(
        [
          "login",
          "--profile",
          "staging",
          "--api-url",
          portal.url,
          "--username",
          "acme-admin",
          "--password-stdin",
        ],
        { env: noUrl, input: PASSWORD },
      );
      expect(login.code).toBe(0);
      const whoami = await runCli(["whoami", "--json"], { env: { ...noUrl, HNCTL_PROFILE: "staging" } });
      expect(whoami.code).toBe(0);
      expect(JSON.parse(whoami.stdout).user.username).toBe("acme-admin");
      // The default profile has no URL of its own: it goes to the default portal address, not this one.
      const other = await runCli(["auth", "status"], { env: noUrl });
      expect(other.code).toBe(4);
      expect(other.stderr).toContain("http://127.0.0.1:4010");
    } finally {
      cleanup();
    }
  });
});

describe("bad input and bad conditions", () => {
  it("a refused or expired HNCTL_TOKEN is exit 4, and --json never echoes the token", async () => {
    const { env, cleanup } = cliEnv(portal.url);
    try {
      const secret = "hnt_thisIsNotARealTokenButMustNotLeak0123456789";
      const res = await runCli(["whoami", "--json"], { env: { ...env, HNCTL_TOKEN: secret } });
      expect(res.code).toBe(4);
      expect(res.stdout + res.stderr).not.toContain(secret);
      expect(JSON.parse(res.stdout).error).toMatchObject({ code: "unauthorized", exitCode: 4 });
      expect(Object.keys(JSON.parse(res.stdout).error).sort()).toEqual([
        "code",
        "exitCode",
        "hint",
        "message",
      ]);
    } finally {
      cleanup();
    }
  });

  it("a locked account is exit 4 and says until when", async () => {
    const { env, cleanup } = cliEnv(portal.url);
    try {
      for (let i = 0; i < 5; i++)
        await runCli(["login", "-u", "acme-admin", "--password-stdin"], {
          env,
          input: `wrong password number ${i}`,
        });
      const locked = await runCli(["login", "-u", "acme-admin", "--password-stdin"], {
        env,
        input: PASSWORD,
      });
      expect(locked.code).toBe(4);
      expect(locked.stderr).toMatch(/locked.*try again after \d{4}-/);
    } finally {
      cleanup();
    }
  });

  it("an unreachable portal is exit 1 with a hint", async () => {
    const { env, cleanup } = cliEnv("http://127.0.0.1:9");
    try {
      const res = await runCli(["portal", "outbox"], { env });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/cannot reach the portal at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
      expect(res.stderr).toMatch(/hint: is the portal running/);
    } finally {
      cleanup();
    }
  });

  it("a portal answering 500 is exit 1, one line, no stack, no token", async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(500, { "content-type": "text/html" });
      res.end("<h1>Internal Server Error</h1>");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const { env, cleanup } = cliEnv(url);
    try {
      const secret = "hnt_anotherSecretThatMustNotLeak987654321";
      const res = await runCli(["whoami"], { env: { ...env, HNCTL_TOKEN: secret } });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain("hnctl: the portal failed to answer (HTTP 500)");
      expect(res.stderr).not.toMatch(/\bat .*\.js:\d+/);
      expect(res.stdout + res.stderr).not.toContain(secret);
    } finally {
      cleanup();
      server.close();
    }
  });

  it.each([
    ["not a URL", "localhost:4010", /HNCTL_API_URL is not a valid URL/],
    ["wrong scheme", "ftp://127.0.0.1", /HNCTL_API_URL must be an http/],
    ["credentials in the URL", "http://user:pw@127.0.0.1:4010", /must not contain a username or password/],
  ])("a malformed HNCTL_API_URL (%s) is exit 2", async (_name, url, message) => {
    const { env, cleanup } = cliEnv(url);
    try {
      const res = await runCli(["whoami"], { env });
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(message);
    } finally {
      cleanup();
    }
  });

  it("an unavailable keychain is reported plainly, with the fallbacks, and nothing is stored", async () => {
    const { env, configDir, cleanup } = cliEnv(portal.url);
    try {
      // No session bus: the Secret Service cannot be reached.
      const res = await runCli(["login", "-u", "acme-admin", "--password-stdin"], {
        env: {
          ...env,
          HNCTL_CREDENTIAL_STORE: undefined,
          DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus",
        },
        input: PASSWORD,
      });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/the OS keychain is not available/);
      expect(res.stderr).toMatch(/HNCTL_CREDENTIAL_STORE=file/);
      expect(res.stderr).toMatch(/HNCTL_TOKEN/);
      expect(existsSync(join(configDir, "credentials.json"))).toBe(false);
    } finally {
      cleanup();
    }
  });

  it("unknown HNCTL_CREDENTIAL_STORE is a usage error", async () => {
    const { env, cleanup } = cliEnv(portal.url);
    try {
      const res = await runCli(["auth", "status"], { env: { ...env, HNCTL_CREDENTIAL_STORE: "vault" } });
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/HNCTL_CREDENTIAL_STORE must be "keychain" or "file"/);
    } finally {
      cleanup();
    }
  });

  it("unknown flags are usage errors (exit 2), with --json too", async () => {
    const res = await runCli(["whoami", "--bogus", "--json"]);
    expect(res.code).toBe(2);
    expect(JSON.parse(res.stdout).error.code).toBe("usage");
  });
});

describe("portal process", () => {
  it("answers --port 0 with its URL, and shuts down cleanly on SIGTERM and SIGINT", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const p = await startPortalProcess();
      expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const started = Date.now();
      expect(await p.stop(signal)).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });

  // bin/run.js on a Node older than 22 hands over to the pinned Node 24 in a child process. A supervisor's
  // SIGTERM to hnctl must stop that child too, not leave the portal running on its own.
  const olderNode = ["/usr/bin/node", "/usr/local/bin/node"].find((bin) => {
    const version = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout?.trim();
    return version && Number(/^v(\d+)/.exec(version)?.[1]) < 22;
  });
  it.skipIf(!olderNode)(
    "started through an older Node, SIGTERM to hnctl stops the portal it handed over to",
    async () => {
      const p = await startPortalProcess({ node: olderNode });
      const children = readFileSync(`/proc/${p.proc.pid}/task/${p.proc.pid}/children`, "utf8")
        .trim()
        .split(" ");
      expect(children).toHaveLength(1);
      const portalPid = Number(children[0]);
      expect(readFileSync(`/proc/${portalPid}/cmdline`, "utf8")).toContain("portal");
      expect(await p.stop("SIGTERM")).toBe(0);
      expect(p.log()).toContain("SIGTERM received: finishing in-flight requests and closing the database");
      expect(existsSync(`/proc/${portalPid}`)).toBe(false);
    },
  );

  it("re-seeding the demo on restart is idempotent and issues a fresh key while the admin is unregistered", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "hnctl-e2e-restart-"));
    try {
      const first = await startPortalProcess({ dir });
      await first.stop();
      const second = await startPortalProcess({ dir });
      const { env, cleanup } = cliEnv(second.url);
      const old = await runCli(registerArgs(first.registrationKey!), { env, input: PASSWORD });
      expect(old.code).toBe(6);
      expect(old.stderr).toMatch(/expired or was replaced/);
      const fresh = await runCli(registerArgs(second.registrationKey!), { env, input: PASSWORD });
      expect(fresh.code).toBe(0);
      await second.stop();
      cleanup();
      const third = await startPortalProcess({ dir });
      expect(third.registrationKey).toBeUndefined();
      await third.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
