import { Command } from "@oclif/core/command";
import * as Errors from "@oclif/core/errors";
import * as Flags from "@oclif/core/flags";
import { ApiError, NetworkError } from "../client/errors.js";
import { CliError, ExitCode } from "./errors.js";
import { CliSession } from "./session.js";
import type { CredentialStore } from "./credentials.js";
import { renderCsv, renderTable, type Column } from "./output.js";

/** Portal status → exit code (CLI.md). */
function exitCodeFor(status: number, code: string): number {
  if (status === 401 || code === "account_locked") return ExitCode.auth;
  if (status === 403) return ExitCode.forbidden;
  if (status === 404) return ExitCode.notFound;
  if (status === 400 || status === 409 || status === 413 || status === 422) return ExitCode.invalid;
  return ExitCode.error;
}

/** oclif's parse errors span lines ("The following error occurred:", the problems, "See more help…"). */
function usageMessage(message: string): string {
  const lines = message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^The following errors? occurred:$/.test(l) && !/^See more help with/.test(l));
  return lines.join("; ") || message.split("\n")[0]!;
}

/**
 * The base of every command: global flags, the session (portal URL and credentials), and error
 * handling that turns anything thrown into one line + a hint + the documented exit code. With --json
 * the error is `{ "error": { code, message, hint?, details?, exitCode } }` and nothing else: oclif's
 * default would serialise every property of the error, and a got error carries the bearer token.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    profile: Flags.string({
      description: "configuration profile (its own portal URL and credentials)",
      env: "HNCTL_PROFILE",
      default: "default",
      helpGroup: "GLOBAL",
    }),
    "api-url": Flags.string({
      description: "portal base URL (beats HNCTL_API_URL and the profile's)",
      helpGroup: "GLOBAL",
    }),
  };

  /** Body fields of the portal's contract → the flags that set them, for error hints. */
  static fieldFlags: Record<string, string> = {};

  /** Tests running commands in-process may inject a credential store. */
  static credentialStoreOverride: CredentialStore | undefined;

  #session?: CliSession;

  protected session(flags: { profile: string; "api-url"?: string }): CliSession {
    return (this.#session ??= new CliSession({
      profile: flags.profile,
      apiUrlFlag: flags["api-url"],
      configDir: process.env.HNCTL_CONFIG_DIR || this.config.configDir,
      env: process.env,
      userAgent: `hnctl/${this.config.version} node/${process.version}`,
      warn: (m) => this.note(m),
      store: BaseCommand.credentialStoreOverride,
    }));
  }

  /** Messages for people go to stderr (also with --json: stdout then carries only the JSON). */
  protected note(message: string): void {
    process.stderr.write(message + "\n");
  }

  /** A list for people (table), spreadsheets (--csv) or programs (--json: oclif prints what run() returns). */
  protected async printList<T>(
    rows: T[],
    columns: Column<T>[],
    opts: { csv?: boolean; empty: string },
  ): Promise<void> {
    if (opts.csv) process.stdout.write(await renderCsv(rows, columns));
    else if (!this.jsonEnabled()) this.log(rows.length ? await renderTable(rows, columns) : opts.empty);
  }

  protected toCliError(err: unknown): CliError {
    if (err instanceof CliError) return err;
    if (err instanceof ApiError) {
      const exit = exitCodeFor(err.status, err.code);
      const detail = err.details?.length ? err.details.map((d) => `${d.path}: ${d.message}`).join("; ") : "";
      const message =
        detail && !err.message.includes(detail) && err.details!.length > 1
          ? `${err.message} (${detail})`
          : err.message;
      const hint =
        err.status === 401
          ? this.#session?.envToken
            ? "HNCTL_TOKEN was refused: create a new API token with `hnctl auth token create`"
            : "run `hnctl login`"
          : err.code === "account_locked"
            ? "wait for the lock to end, or ask an administrator"
            : err.status === 429 && err.retryAfterSeconds
              ? `try again in ${err.retryAfterSeconds} s`
              : err.status >= 500
                ? "the portal logged the error; try again, and report it if it persists"
                : undefined;
      // Point at the flag the user typed when the portal names a body field (`effectiveDate` → --effective).
      const fieldFlags = (this.constructor as typeof BaseCommand).fieldFlags;
      const flagsNamed = [
        ...new Set(
          (err.details ?? [])
            .map((d) => fieldFlags[d.path] ?? fieldFlags[d.path.split(".").at(-1)!])
            .filter(Boolean),
        ),
      ];
      const flagHint = flagsNamed.length ? `check ${flagsNamed.join(", ")}` : undefined;
      return new CliError(message, exit, err.code, hint ?? flagHint, err.details);
    }
    if (err instanceof NetworkError) {
      const source = this.#session ? ` (URL from ${this.#session.apiUrlSource})` : "";
      return new CliError(
        err.message,
        ExitCode.error,
        err.code,
        err.code === "unreachable" || err.code === "timeout"
          ? `is the portal running? Start one with \`hnctl portal serve --demo\`, or check --api-url / HNCTL_API_URL${source}`
          : undefined,
      );
    }
    if (err instanceof Errors.ExitError) throw err;
    const e = err as Error & { oclif?: { exit?: number }; parse?: unknown; code?: string };
    // oclif's own flag and argument errors are usage errors.
    if (e.parse || e.oclif?.exit === 2)
      return new CliError(usageMessage(e.message), ExitCode.usage, "usage", "see --help");
    if (e.code === "ERR_USE_AFTER_CLOSE" || e.name === "ExitPromptError")
      return new CliError("interrupted", ExitCode.interrupted, "interrupted");
    return new CliError(e.message?.split("\n")[0] || String(err), e.oclif?.exit ?? ExitCode.error, "error");
  }

  override async catch(err: unknown): Promise<never> {
    if (err instanceof Errors.ExitError) throw err;
    const cli = this.toCliError(err);
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(cli));
    } else {
      const line = cli.message.startsWith("hnctl:") ? cli.message : `hnctl: ${cli.message}`;
      process.stderr.write(`${line}\n${cli.hint ? `  hint: ${cli.hint}\n` : ""}`);
      if (cli.details && cli.details.length > 1) {
        for (const d of cli.details) process.stderr.write(`  - ${d.path}: ${d.message}\n`);
      }
    }
    return this.exit(cli.exitCode);
  }

  override toErrorJson(err: unknown): { error: Record<string, unknown> } {
    const cli = this.toCliError(err);
    return {
      error: {
        code: cli.code,
        message: cli.message,
        ...(cli.hint ? { hint: cli.hint } : {}),
        ...(cli.details?.length ? { details: cli.details } : {}),
        exitCode: cli.exitCode,
      },
    };
  }
}
