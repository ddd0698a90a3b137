import type { ErrorCode, ErrorDetail } from "../contract/errors.js";

/** A rule said no. Routes turn it into the contract's error shape with this status. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what: string) => new AppError(404, "not_found", `${what} not found`);
export const forbidden = (feature: string) =>
  new AppError(403, "forbidden", `this needs the ${feature} feature; ask an administrator to grant it`);
export const unauthorized = (message = "sign in first: the request carried no valid token") =>
  new AppError(401, "unauthorized", message);

/**
 * Collects every rule a request breaks (each naming its field) so one answer lists them all:
 * `422 unprocessable` with `details`, the first problem as the message.
 */
export class Problems {
  readonly list: ErrorDetail[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
  throwIfAny(): void {
    const first = this.list[0];
    if (first) throw new AppError(422, "unprocessable", `${first.path} ${first.message}`, this.list);
  }
}

/** One broken rule, naming the field and the fix. */
export const unprocessable = (path: string, message: string) =>
  new AppError(422, "unprocessable", `${path} ${message}`, [{ path, message }]);
