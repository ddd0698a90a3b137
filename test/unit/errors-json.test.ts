import { Config } from "@oclif/core";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../../src/client/errors.js";
import Whoami from "../../src/commands/whoami.js";

let config: Config;
beforeAll(async () => {
  config = await Config.load(process.cwd());
});

describe("--json errors carry only code, message, hint, details and exitCode", () => {
  it("an error shaped like got's RequestError (with request headers) prints no header", () => {
    const cmd = new Whoami(["--json"], config);
    const gotLike = Object.assign(new Error("Request failed"), {
      code: "ERR_NON_2XX_3XX_RESPONSE",
      options: { headers: { authorization: "Bearer hna_secret" } },
      request: { options: { headers: { authorization: "Bearer hna_secret" } } },
    });
    const json = cmd.toErrorJson(gotLike);
    expect(JSON.stringify(json)).not.toContain("hna_secret");
    expect(Object.keys(json.error).sort()).toEqual(["code", "exitCode", "message"]);
  });

  it.each([
    [new ApiError(404, "not_found", "member not found"), 3],
    [new ApiError(403, "forbidden", "needs enrollment.edit"), 5],
    [new ApiError(401, "token_expired", "expired"), 4],
    [new ApiError(429, "account_locked", "locked"), 4],
    [new ApiError(409, "conflict", "stale"), 6],
    [new ApiError(422, "unprocessable", "no"), 6],
    [new ApiError(400, "validation_failed", "ssn is invalid", [{ path: "ssn", message: "is invalid" }]), 6],
    [new ApiError(500, "internal", "boom"), 1],
    [new NetworkError("cannot reach the portal", "unreachable"), 1],
  ])("%s → exit %i", (err, exitCode) => {
    const json = new Whoami([], config).toErrorJson(err);
    expect(json.error.exitCode).toBe(exitCode);
  });
});
