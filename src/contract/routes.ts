import { z } from "zod";
import type { Feature } from "./common.js";
import * as auth from "./auth.js";
import * as sandbox from "./sandbox.js";

/**
 * Who may call a route:
 * - `public`: anyone (registration, login, refresh, logout, health);
 * - `user`: any authenticated caller;
 * - a feature: an authenticated caller holding that feature (scope is checked per object by the service).
 */
export type Access = "public" | "user" | { feature: Feature };

export interface RouteDef {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Fastify-style path, e.g. `/v1/members/:memberId`. */
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  /** Exists only when the portal runs with --demo or --sandbox. */
  sandboxOnly?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  status: 200 | 201 | 202 | 204;
  response: z.ZodType;
}

const define = <const R extends RouteDef>(r: R): R => r;

/** Every route of the portal API. The portal must implement each one; the client calls them by name. */
export const routes = {
  health: define({
    method: "GET",
    path: "/v1/health",
    summary: "Liveness and version",
    tags: ["meta"],
    access: "public",
    status: 200,
    response: sandbox.Health,
  }),
  register: define({
    method: "POST",
    path: "/v1/auth/register",
    summary: "Register an account with the e-mailed registration key",
    tags: ["auth"],
    access: "public",
    body: auth.RegisterRequest,
    status: 201,
    response: auth.RegisterResponse,
  }),
  login: define({
    method: "POST",
    path: "/v1/auth/login",
    summary: "Exchange username and password for an access token and a refresh token",
    tags: ["auth"],
    access: "public",
    body: auth.LoginRequest,
    status: 200,
    response: auth.TokenPair,
  }),
  refresh: define({
    method: "POST",
    path: "/v1/auth/refresh",
    summary: "Rotate the refresh token; reuse of a rotated token revokes the whole session",
    tags: ["auth"],
    access: "public",
    body: auth.RefreshRequest,
    status: 200,
    response: auth.TokenPair,
  }),
  logout: define({
    method: "POST",
    path: "/v1/auth/logout",
    summary: "Revoke the session the refresh token belongs to",
    tags: ["auth"],
    access: "public",
    body: auth.LogoutRequest,
    status: 200,
    response: auth.LogoutResponse,
  }),
  whoami: define({
    method: "GET",
    path: "/v1/me",
    summary: "The caller: user, employer, features, scope and credential",
    tags: ["auth"],
    access: "user",
    status: 200,
    response: auth.WhoAmI,
  }),
  outbox: define({
    method: "GET",
    path: "/v1/sandbox/outbox",
    summary: "E-mails the portal wrote to its outbox (sandbox only)",
    tags: ["sandbox"],
    access: "public",
    sandboxOnly: true,
    query: sandbox.OutboxQuery,
    status: 200,
    response: sandbox.OutboxList,
  }),
  clockShow: define({
    method: "GET",
    path: "/v1/sandbox/clock",
    summary: "The sandbox clock",
    tags: ["sandbox"],
    access: "public",
    sandboxOnly: true,
    status: 200,
    response: sandbox.ClockState,
  }),
  clockAdvance: define({
    method: "POST",
    path: "/v1/sandbox/clock/advance",
    summary: "Move the sandbox clock forward and run what fell due",
    tags: ["sandbox"],
    access: "public",
    sandboxOnly: true,
    body: sandbox.ClockAdvanceRequest,
    status: 200,
    response: sandbox.ClockState,
  }),
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
type In<T> = T extends z.ZodType ? z.input<T> : undefined;

/** What the client sends for a route (inputs before parsing: the portal parses). */
export type RouteInput<N extends RouteName> = {
  params: In<Routes[N] extends { params: infer P } ? P : undefined>;
  query: In<Routes[N] extends { query: infer Q } ? Q : undefined>;
  body: In<Routes[N] extends { body: infer B } ? B : undefined>;
};
/** What the portal receives after validation. */
export type RouteParsed<N extends RouteName> = {
  params: Out<Routes[N] extends { params: infer P } ? P : undefined>;
  query: Out<Routes[N] extends { query: infer Q } ? Q : undefined>;
  body: Out<Routes[N] extends { body: infer B } ? B : undefined>;
};
export type RouteOutput<N extends RouteName> = z.output<Routes[N]["response"]>;
