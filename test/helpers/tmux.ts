import { execFileSync, spawnSync } from "node:child_process";

export const tmuxAvailable = spawnSync("sh", ["-c", "command -v tmux"]).status === 0;

/** A real terminal (tmux) running the built CLI, for the prompts a person answers. */
export function terminal(command: string[], env: Record<string, string>) {
  const name = `hnctl-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  // `; sleep` keeps the pane after the command ends so its last words can be read.
  const shell = `env ${[...envArgs, ...command].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ")}; echo "[exit $?]"; sleep 60`;
  execFileSync("tmux", ["new-session", "-d", "-s", name, "-x", "200", "-y", "50", shell]);
  const screen = () => execFileSync("tmux", ["capture-pane", "-p", "-t", name], { encoding: "utf8" });
  return {
    screen,
    async waitFor(text: string | RegExp, timeoutMs = 10_000): Promise<string> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const s = screen();
        if (typeof text === "string" ? s.includes(text) : text.test(s)) return s;
        if (Date.now() > until) throw new Error(`terminal never showed ${text}:\n${s}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    type(...keys: string[]) {
      execFileSync("tmux", ["send-keys", "-t", name, ...keys]);
    },
    close() {
      spawnSync("tmux", ["kill-session", "-t", name]);
    },
  };
}
