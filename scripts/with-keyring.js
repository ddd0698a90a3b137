// Runs a command (the test runner) with a Secret Service available, so the real-keychain test runs:
// when no session bus exists and gnome-keyring is installed, it starts a private D-Bus session with a
// fresh, unlocked gnome-keyring whose files live in a temp dir (a user's own login keyring, locked with
// their password, is never touched). Otherwise it runs the command as it is.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [cmd, ...args] = process.argv.slice(2);
const has = (bin) => spawnSync("sh", ["-c", `command -v ${bin}`], { stdio: "ignore" }).status === 0;

let result;
if (!process.env.DBUS_SESSION_BUS_ADDRESS && has("dbus-run-session") && has("gnome-keyring-daemon")) {
  const keyringHome = mkdtempSync(join(tmpdir(), "hnctl-keyring-"));
  const script =
    'printf %s hnctl-test | XDG_DATA_HOME="$HNCTL_TEST_KEYRING_HOME" gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"';
  result = spawnSync("dbus-run-session", ["--", "sh", "-c", script, "sh", cmd, ...args], {
    stdio: "inherit",
    env: { ...process.env, HNCTL_TEST_KEYRING_HOME: keyringHome },
  });
  rmSync(keyringHome, { recursive: true, force: true });
} else {
  result = spawnSync(cmd, args, { stdio: "inherit" });
}
process.exit(result.status ?? 1);
