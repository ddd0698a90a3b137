import { ApiError } from "../client/errors.js";
import { CliError, ExitCode } from "./errors.js";
import type { CliSession } from "./session.js";

/** Sandbox endpoints do not exist on a production portal: say so instead of "route not found". */
export async function sandboxOnly<T>(session: CliSession, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiError && err.code === "route_not_found") {
      throw new CliError(
        `the portal at ${session.apiUrl.origin} has no sandbox endpoints: it runs in production mode`,
        ExitCode.notFound,
        "not_sandbox",
        "start the reference portal with --demo or --sandbox",
      );
    }
    throw err;
  }
}
