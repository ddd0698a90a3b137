import { CliError, ExitCode, usageError } from "./errors.js";
import { canPrompt } from "./prompt.js";

/**
 * Destructive actions: `--yes` in scripts; at a terminal the user types the object's name back
 * (the Heroku way), which a reflexive Enter cannot do.
 */
export async function confirmDestructive(opts: {
  yes: boolean;
  action: string;
  typeBack: string;
}): Promise<void> {
  if (opts.yes) return;
  if (!canPrompt()) throw usageError(`${opts.action} needs --yes when not run from a terminal`);
  const { input } = await import("@inquirer/prompts");
  const answer = await input(
    { message: `${opts.action}: type ${opts.typeBack} to confirm` },
    { output: process.stderr },
  );
  if (answer.trim() !== opts.typeBack)
    throw new CliError("not confirmed; nothing was changed", ExitCode.usage, "not_confirmed");
}
