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
