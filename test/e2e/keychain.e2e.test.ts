import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PASSWORD,
  cliEnv,
  registerPrimary,
  runCli,
  startPortalProcess,
  type PortalProcess,
} from "../helpers/cli.js";

/**
 * The real OS keychain: a Secret Service (gnome-keyring) on a D-Bus session bus. `npm test` starts one
 * through scripts/with-keyring.js when gnome-keyring is installed; CI installs it (.ci/run). On a machine
 * without it this file cannot run — and in CI that is a failure, not a skip.
 */
const secretToolAvailable = spawnSync("sh", ["-c", "command -v secret-tool"]).status === 0;
const keyringAvailable = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS) && secretToolAvailable;

it("a Secret Service is available where the keychain test must run (CI)", () => {
  if (process.env.CI)
    expect(
      keyringAvailable,
      "CI must run the keychain test: install gnome-keyring + libsecret-tools and run under dbus-run-session",
    ).toBe(true);
});

const secretTool = (...args: string[]) => spawnSync("secret-tool", args, { encoding: "utf8" });

describe.runIf(keyringAvailable)("tokens in the OS keychain (Secret Service)", () => {
  let portal: PortalProcess;
  beforeAll(async () => {
    portal = await startPortalProcess();
    const { env, cleanup } = cliEnv(portal.url);
    await registerPrimary(portal, env, { username: "keyring-admin", login: false });
    cleanup();
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it("login stores the refresh token in the keychain, whoami uses it, logout removes it", async () => {
    const { env: fileEnv, configDir, cleanup } = cliEnv(portal.url);
    const { HNCTL_CREDENTIAL_STORE: _, ...env } = fileEnv;
    const keychainEnv = {
      ...env,
      DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
      HNCTL_PROFILE: "keychain-test",
    };
    const account = `keychain-test@${new URL(portal.url).host}`;
    try {
      const login = await runCli(["login", "-u", "keyring-admin", "--password-stdin"], {
        env: keychainEnv,
        input: PASSWORD,
      });
      expect(login.stderr).toContain("OS keychain (Secret Service)");
      expect(login.code).toBe(0);
      // Not in a file: only in the keychain.
      expect(existsSync(join(configDir, "credentials.json"))).toBe(false);

      const lookup = secretTool("lookup", "service", "hnctl", "username", account);
      expect(lookup.status).toBe(0);
      const stored = JSON.parse(lookup.stdout);
      expect(stored.username).toBe("keyring-admin");
      expect(stored.refreshToken).toMatch(/^hnr_/);

      const status = await runCli(["auth", "status", "--json"], { env: keychainEnv });
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout).credentialSource).toBe("OS keychain (Secret Service)");

      // The refresh token really works from the keychain: force a refresh by expiring the access token there.
      secretTool("clear", "service", "hnctl", "username", account);
      const expired = { ...stored, accessTokenExpiresAt: new Date(Date.now() - 60_000).toISOString() };
      const store = spawnSync(
        "secret-tool",
        ["store", "--label", `hnctl ${account}`, "service", "hnctl", "username", account],
        { input: JSON.stringify(expired) },
      );
      expect(store.status).toBe(0);
      const whoami = await runCli(["whoami", "--json"], { env: keychainEnv });
      expect(whoami.code).toBe(0);
      const rotated = JSON.parse(secretTool("lookup", "service", "hnctl", "username", account).stdout);
      expect(rotated.refreshToken).toMatch(/^hnr_/);
      expect(rotated.refreshToken).not.toBe(stored.refreshToken);

      const logout = await runCli(["logout"], { env: keychainEnv });
      expect(logout.code).toBe(0);
      expect(secretTool("lookup", "service", "hnctl", "username", account).status).not.toBe(0);
      const after = await runCli(["auth", "status"], { env: keychainEnv });
      expect(after.code).toBe(4);
    } finally {
      secretTool("clear", "service", "hnctl", "username", account);
      cleanup();
    }
  });
});
