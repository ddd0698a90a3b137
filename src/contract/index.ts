export * from "./common.js";
export * from "./errors.js";
export * from "./auth.js";
export * from "./sandbox.js";
export * from "./members.js";
export * from "./routes.js";
export * from "./users.js";
