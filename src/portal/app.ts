import type { OutgoingHttpHeaders } from "node:http";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from "fastify";
import fastifySwagger from "@fastify/swagger";
import fastifyRateLimit from "@fastify/rate-limit";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { ErrorBody, type ErrorCode, type ErrorDetail } from "../contract/errors.js";
import { routes, type RawFile, type RouteDef, type RouteName } from "../contract/routes.js";
import { CONTRACT_HASH } from "../contract/route-index.js";
import type { PortalContext } from "./context.js";
import { AppError } from "./errors.js";
import { sendFile } from "./send-file.js";
import { authenticate } from "./services/auth.js";
import { requireFeature, type Principal } from "./services/access.js";
import type { Handlers } from "./routes/types.js";

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyInstance {
    /** Every route registered on the app, so a test can prove each one is in the authorization matrix. */
    registeredRoutes: { method: string; url: string }[];
  }
}

export interface AppOptions {
  ctx: PortalContext;
  handlers: Handlers;
  version: string;
  /** pino logger options, or false for none (tests). Bodies and headers are never logged. */
  logger?: boolean | { level: string; stream?: NodeJS.WritableStream };
  bodyLimit?: number;
  /** Requests per minute per client address on the sign-in routes (register, login, refresh). */
  authRateLimit?: number;
}

const STATUS_CODE: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "unprocessable",
  429: "rate_limited",
};

/** Only method, path (without the query string: it may carry search terms) and status are logged. */
const loggerOptions = (opts: { level: string; stream?: NodeJS.WritableStream }) => ({
  level: opts.level,
  ...(opts.stream ? { stream: opts.stream } : {}),
  redact: { paths: ["req.headers", "req.body", "res.headers"], remove: true },
  serializers: {
    req: (req: FastifyRequest) => ({ method: req.method, path: req.url.split("?")[0], id: req.id }),
    res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
  },
});

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { ctx } = opts;
  const app = Fastify({
    logger:
      opts.logger === true
        ? loggerOptions({ level: "info" })
        : opts.logger
          ? loggerOptions(opts.logger)
          : false,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: "idle",
  }).withTypeProvider<ZodTypeProvider>();

  const registeredRoutes: { method: string; url: string }[] = [];
  app.decorate("registeredRoutes", registeredRoutes);
  app.addHook("onRoute", (r) => {
    for (const method of [r.method].flat())
      if (method !== "HEAD") registeredRoutes.push({ method, url: r.url });
  });
  // Clients that speak the same contract can skip re-validating responses (see PortalClient).
  app.addHook("onSend", async (_req, reply) => {
    reply.header("x-contract-hash", CONTRACT_HASH);
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest("principal", undefined);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "hnctl portal API",
        version: opts.version,
        description:
          "The insurer's employer portal API: enrollment, billing, payments, reports and access. " +
          "Errors always answer `{ error: { code, message, details? } }`.",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "access token or API token" },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => ({
      statusCode: 429,
      error: {
        code: "rate_limited",
        message: `too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`,
      },
    }),
  });

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({
      error: { code: "route_not_found", message: `no route ${req.method} ${req.url.split("?")[0]}` },
    });
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const send = (status: number, code: ErrorCode, message: string, details?: ErrorDetail[]) =>
      reply.code(status).send({ error: { code, message, ...(details?.length ? { details } : {}) } });
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      return send(err.status, err.code, err.message, err.details);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext === "querystring" ? "query" : (err.validationContext ?? "body");
      const details = err.validation.map((v) => ({
        path: v.instancePath.replace(/^\//, "").replaceAll("/", ".") || where,
        message: v.message ?? "is invalid",
      }));
      const first = details[0]!;
      return send(400, "validation_failed", `${first.path} ${first.message}`, details);
    }
    if (
      err.code === "FST_ERR_CTP_INVALID_JSON_BODY" ||
      err.code === "FST_ERR_CTP_EMPTY_JSON_BODY" ||
      err instanceof SyntaxError
    ) {
      return send(400, "bad_json", "the request body is not valid JSON");
    }
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return send(
        413,
        "payload_too_large",
        `the request body is larger than the ${app.initialConfig.bodyLimit} bytes allowed`,
      );
    }
    if (err.statusCode === 429)
      return send(429, "rate_limited", err.message.replace(/^Rate limit exceeded, /, ""));
    const status = err.statusCode ?? 500;
    if (status < 500 && STATUS_CODE[status]) return send(status, STATUS_CODE[status]!, err.message);
    // Anything else is our bug: log it (without the body) and answer without internals.
    req.log.error({ err: { type: err.name, message: err.message, stack: err.stack } }, "unhandled error");
    return send(
      500,
      "internal",
      `the portal hit an unexpected error (request ${req.id}); it has been logged`,
    );
  });

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  for (const [name, def] of Object.entries(routes) as [RouteName, RouteDef][]) {
    if (def.sandboxOnly && !ctx.settings.sandbox) continue;
    // The route table and the handler map share their keys; the compiler cannot follow that per key here.
    const handler = opts.handlers[name] as unknown as (call: Record<string, unknown>) => Promise<unknown>;
    const isAuthRoute = name === "login" || name === "register" || name === "refresh";
    app.route({
      method: def.method,
      url: def.path,
      ...(def.bodyLimit ? { bodyLimit: def.bodyLimit } : {}),
      config: isAuthRoute ? { rateLimit: { max: opts.authRateLimit ?? 60, timeWindow: "1 minute" } } : {},
      schema: {
        operationId: name,
        summary: def.summary,
        tags: def.tags,
        ...(def.access === "public" ? {} : { security: [{ bearer: [] }] }),
        ...(typeof def.access === "object"
          ? { description: `Requires the \`${def.access.feature}\` feature.` }
          : {}),
        ...(def.params ? { params: def.params } : {}),
        ...(def.query ? { querystring: def.query } : {}),
        ...(def.body ? { body: def.body } : {}),
        response: { [def.status]: def.response, "4XX": ErrorBody, "5XX": ErrorBody },
      },
      // Authentication and the feature check run before the body is read: anonymous callers get 401 and
      // callers without the feature 403, whatever they sent.
      onRequest: async (req) => {
        if (def.access === "public") return;
        const header = req.headers.authorization;
        const bearer = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
        req.principal = await authenticate(ctx, bearer);
        if (typeof def.access === "object") requireFeature(req.principal, def.access.feature);
      },
      handler: async (req, reply) => {
        const result = await handler({
          ctx,
          principal: req.principal!,
          params: req.params,
          query: req.query,
          body: req.body,
          ip: req.ip,
          idempotencyKey: req.headers["idempotency-key"],
        });
        if (def.raw) {
          // Sent by sendFile (see there why not reply.send of a stream). A hijacked reply skips the onSend
          // hooks, hence the contract hash here; the request log and onResponse hooks still run.
          const file = result as RawFile;
          reply.headers({
            ...file.headers,
            "content-type": file.contentType,
            "content-length": file.size,
            "x-contract-hash": CONTRACT_HASH,
          });
          reply.hijack();
          reply.raw.writeHead(def.status, reply.getHeaders() as OutgoingHttpHeaders);
          return sendFile(file.file, reply.raw);
        }
        return reply.code(def.status).send(result);
      },
    });
  }
  return app;
}
