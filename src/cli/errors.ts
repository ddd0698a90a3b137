/** Exit codes of CLI.md. Scripts rely on them. */
export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  notFound: 3,
  auth: 4,
  forbidden: 5,
  invalid: 6,
  partial: 7,
  pending: 8,
  interrupted: 130,
} as const;

/**
 * An error the user can act on: one line of message, an optional hint, an exit code and a stable code
 * for --json. It never carries a request, headers or a cause (they may hold tokens).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.error,
    readonly code: string = "error",
    readonly hint?: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string, hint?: string) =>
  new CliError(message, ExitCode.usage, "usage", hint);
