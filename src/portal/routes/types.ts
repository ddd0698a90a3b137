import type { RouteName, RouteOutput, RouteParsed, Routes } from "../../contract/routes.js";
import type { PortalContext } from "../context.js";
import type { Principal } from "../services/access.js";

/** A route handler: HTTP already validated the input; it calls services and returns the response body. */
export type Handler<N extends RouteName> = (call: {
  ctx: PortalContext;
  principal: Routes[N]["access"] extends "public" ? Principal | undefined : Principal;
  params: RouteParsed<N>["params"];
  query: RouteParsed<N>["query"];
  body: RouteParsed<N>["body"];
  ip: string;
  /** The `Idempotency-Key` header, for money-moving routes. */
  idempotencyKey: string | string[] | undefined;
}) => Promise<RouteOutput<N>>;

/** Every route of the contract must have a handler: the type makes a missing one a compile error. */
export type Handlers = { [N in RouteName]: Handler<N> };
