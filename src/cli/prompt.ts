import { usageError } from "./errors.js";

/** Prompts only when a person is at both ends: stdin and stdout are terminals. */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

/** Reads a secret piped on stdin (`--password-stdin`, account numbers): the whole input minus one trailing newline. */
export async function readStdinSecret(what: string): Promise<string> {
  if (process.stdin.isTTY)
    throw usageError(
      `--${what}-stdin expects the ${what} on standard input`,
      `e.g. printf '%s' "$PASSWORD" | hnctl login --password-stdin`,
    );
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
  if (!text) throw usageError(`no ${what} on standard input`);
  return text;
}

/** Hidden prompt (no echo). `confirm` asks twice, for new passwords. */
export async function promptSecret(message: string, opts: { confirm?: boolean } = {}): Promise<string> {
  const { password } = await import("@inquirer/prompts");
  const ask = () =>
    password({ message, validate: (v) => (v.length > 0 ? true : "required") }, { output: process.stderr });
  const first = await ask();
  if (opts.confirm) {
    const second = await password({ message: "Type it again" }, { output: process.stderr });
    if (second !== first) throw usageError("the two entries do not match");
  }
  return first;
}

export async function promptText(message: string): Promise<string> {
  const { input } = await import("@inquirer/prompts");
  return input({ message, required: true }, { output: process.stderr });
}

/** The password for login/register: stdin when asked, a hidden prompt on a terminal, otherwise a usage error. */
export async function obtainPassword(opts: {
  passwordStdin: boolean;
  confirm: boolean;
  message: string;
}): Promise<string> {
  if (opts.passwordStdin) return readStdinSecret("password");
  if (!canPrompt()) {
    throw usageError(
      "no terminal to ask for the password",
      "pipe it in with --password-stdin (never put a password in a flag)",
    );
  }
  return promptSecret(opts.message, { confirm: opts.confirm });
}
