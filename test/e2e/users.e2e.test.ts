import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PASSWORD,
  cliEnv,
  registerPrimary,
  runCli,
  startPortalProcess,
  type PortalProcess,
} from "../helpers/cli.js";

let portal: PortalProcess;
let admin: ReturnType<typeof cliEnv>;

/** Registers and logs in a user whose key is in the outbox, in a config dir of their own. */
async function onboard(email: string, username: string) {
  const mail = JSON.parse(
    (await runCli(["portal", "outbox", "--last", "--to", email, "--json"], { env: admin.env })).stdout,
  );
  const key = /Registration key: (\S+)/.exec(mail.body)![1]!;
  const who = cliEnv(portal.url);
  const reg = await runCli(
    [
      "register",
      "--group-number",
      "G1000001",
      "--policyholder-id",
      "1234",
      "--key",
      key,
      "--username",
      username,
      "--password-stdin",
    ],
    { env: who.env, input: PASSWORD },
  );
  expect(reg.code, reg.stderr).toBe(0);
  expect(
    (await runCli(["login", "-u", username, "--password-stdin"], { env: who.env, input: PASSWORD })).code,
  ).toBe(0);
  return who;
}

beforeAll(async () => {
  portal = await startPortalProcess();
  admin = cliEnv(portal.url);
  await registerPrimary(portal, admin.env);
});
afterAll(async () => {
  admin?.cleanup();
  await portal?.stop();
});

describe("users and access from the CLI", () => {
  it("creates a group admin who registers, manages a delegate within their grants, and is disabled with --yes", async () => {
    const created = await runCli(
      [
        "user",
        "create",
        "--role",
        "group-admin",
        "--name",
        "Gail Ortiz",
        "--email",
        "gail@acme.example",
        "--group",
        "G1000001",
        "--feature",
        "enrollment.view",
        "--feature",
        "users.manage",
        "--json",
      ],
      { env: admin.env },
    );
    expect(created.code, created.stderr).toBe(0);
    const gailId = JSON.parse(created.stdout).id;
    const gail = await onboard("gail@acme.example", "gail");

    const beyond = await runCli(
      [
        "user",
        "create",
        "--role",
        "delegate",
        "--name",
        "TPA",
        "--email",
        "tpa@tpa.example",
        "--group",
        "G1000001",
        "--feature",
        "billing.pay",
      ],
      { env: gail.env },
    );
    expect(beyond.code).toBe(5);
    expect(beyond.stderr).toContain("you cannot grant features you do not hold: billing.pay");
    const groupAdminByGroupAdmin = await runCli(
      [
        "user",
        "create",
        "--role",
        "group-admin",
        "--name",
        "G2",
        "--email",
        "g2@acme.example",
        "--group",
        "G1000001",
      ],
      { env: gail.env },
    );
    expect(groupAdminByGroupAdmin.code).toBe(5);
    const delegate = await runCli(
      [
        "user",
        "create",
        "--role",
        "delegate",
        "--name",
        "TPA",
        "--email",
        "tpa@tpa.example",
        "--group",
        "G1000001",
        "--feature",
        "enrollment.view",
      ],
      { env: gail.env },
    );
    expect(delegate.code, delegate.stderr).toBe(0);
    const list = await runCli(["user", "list", "--csv"], { env: gail.env });
    expect(list.stdout.split("\n")[0]).toBe("id,role,status,username,name,email,scope,features");
    expect(list.stdout).toContain("tpa@tpa.example");
    expect(list.stdout).not.toContain("hr-admin@acme.example");

    const notify = await runCli(["user", "notifications", "--report-ready", "off", "--json"], {
      env: gail.env,
    });
    expect(JSON.parse(notify.stdout)).toMatchObject({ reportReady: false, billAvailable: true });

    // Disabling asks for --yes when no one can be asked, and changes nothing without it.
    const noYes = await runCli(["user", "disable", gailId], { env: admin.env });
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/needs --yes/);
    expect((await runCli(["whoami"], { env: gail.env })).code).toBe(0);
    const disable = await runCli(["user", "disable", gailId, "--yes"], { env: admin.env });
    expect(disable.code).toBe(0);
    const after = await runCli(["whoami"], { env: gail.env });
    expect(after.code).toBe(4);
    gail.cleanup();

    const audit = await runCli(["audit", "list", "--action", "user.disabled", "--csv"], { env: admin.env });
    expect(audit.code).toBe(0);
    expect(audit.stdout).toContain(`user.disabled,user ${gailId}`);
  });

  it("refuses a second secondary admin and disabling the primary", async () => {
    expect(
      (
        await runCli(
          ["user", "create", "--role", "secondary-admin", "--name", "Sam", "--email", "sam@acme.example"],
          { env: admin.env },
        )
      ).code,
    ).toBe(0);
    const second = await runCli(
      ["user", "create", "--role", "secondary-admin", "--name", "Sue", "--email", "sue@acme.example"],
      { env: admin.env },
    );
    expect(second.code).toBe(6);
    expect(second.stderr).toContain("at most one");
    const self = await runCli(["user", "disable", "me", "--yes"], { env: admin.env });
    expect(self.code).toBe(5);
    const unknownFeature = await runCli(
      [
        "user",
        "create",
        "--role",
        "delegate",
        "--name",
        "X",
        "--email",
        "x@acme.example",
        "--group",
        "G1000001",
        "--feature",
        "enrollment.delete",
      ],
      { env: admin.env },
    );
    expect(unknownFeature.code).toBe(2);
    expect(unknownFeature.stderr).toMatch(/enrollment\.delete/);
  });

  it("API tokens: shown once, used as HNCTL_TOKEN without any keychain, revoked", async () => {
    const created = await runCli(
      [
        "auth",
        "token",
        "create",
        "--name",
        "nightly",
        "--feature",
        "reports.run",
        "--expires",
        "30d",
        "--json",
      ],
      { env: admin.env },
    );
    expect(created.code, created.stderr).toBe(0);
    const token = JSON.parse(created.stdout);
    expect(Object.keys(token).sort()).toEqual(["expiresAt", "features", "id", "name", "token"]);
    // Only the token and the URL: no config dir, no credential store.
    const cron = {
      HNCTL_API_URL: portal.url,
      HNCTL_TOKEN: token.token,
      HNCTL_CREDENTIAL_STORE: "keychain",
      DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent",
    };
    const status = await runCli(["auth", "status", "--json"], { env: cron });
    expect(status.code, status.stderr).toBe(0);
    const st = JSON.parse(status.stdout);
    expect(st.credentialSource).toBe("HNCTL_TOKEN environment variable");
    expect(st.credential).toMatchObject({ kind: "api_token", name: "nightly" });
    expect(st.features).toEqual(["reports.run"]);
    const human = await runCli(["auth", "status"], { env: cron });
    expect(human.stdout).toMatch(/API token:\s+nightly, expires/);
    expect(human.stdout).not.toContain(token.token);

    const list = await runCli(["auth", "token", "list"], { env: admin.env });
    expect(list.stdout).toMatch(/nightly\s+reports\.run/);
    expect(list.stdout).not.toContain(token.token);
    const withToken = await runCli(["auth", "token", "create", "--name", "child"], { env: cron });
    expect(withToken.code).toBe(5);
    expect((await runCli(["auth", "token", "revoke", token.id], { env: admin.env })).code).toBe(0);
    const revoked = await runCli(["auth", "status"], { env: cron });
    expect(revoked.code).toBe(4);
    expect(revoked.stderr).toMatch(/HNCTL_TOKEN/);
  });
});
