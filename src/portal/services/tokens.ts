import type { z } from "zod";
import type { Feature } from "../../contract/common.js";
import type { ApiTokenCreateRequest } from "../../contract/users.js";
import type { PortalContext } from "../context.js";
import { AppError, notFound } from "../errors.js";
import type { Principal } from "./access.js";
import { audit } from "./audit.js";
import { createApiToken } from "./auth.js";

const DAY = 86_400_000;

interface TokenRow {
  id: string;
  name: string;
  features: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
const toDto = (r: TokenRow) => ({
  id: r.id,
  name: r.name,
  features: JSON.parse(r.features) as Feature[],
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

/** API tokens are made by a signed-in person, never by another token, and carry a subset of that person's features. */
export async function createToken(
  ctx: PortalContext,
  principal: Principal,
  input: z.output<typeof ApiTokenCreateRequest>,
) {
  if (principal.credential.kind === "api_token") {
    throw new AppError(
      403,
      "forbidden",
      "an API token cannot create API tokens; sign in with `hnctl login` to create one",
    );
  }
  const features = input.features ?? [...principal.features];
  const missing = features.filter((f) => !principal.features.has(f));
  if (missing.length) {
    throw new AppError(
      403,
      "forbidden",
      `a token cannot hold features you do not have: ${missing.join(", ")}`,
      missing.map(() => ({ path: "features", message: "not yours to give" })),
    );
  }
  const taken = await ctx.db
    .selectFrom("api_tokens")
    .select("id")
    .where("user_id", "=", principal.userId)
    .where("name", "=", input.name)
    .executeTakeFirst();
  if (taken)
    throw new AppError(
      409,
      "conflict",
      `you already have a token named "${input.name}"; revoke it or choose another name`,
      [{ path: "name", message: "taken" }],
    );
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + input.expiresInDays * DAY);
  const { id, token } = await createApiToken(ctx, principal.userId, {
    name: input.name,
    features: [...new Set(features)].sort(),
    expiresAt,
  });
  await audit(ctx.db, now, {
    employerId: principal.employerId,
    actor: principal,
    action: "api_token.created",
    objectType: "api_token",
    objectId: id,
    details: { name: input.name, features },
  });
  const row = await ctx.db
    .selectFrom("api_tokens")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return { ...toDto(row), token };
}

export async function listTokens(ctx: PortalContext, principal: Principal) {
  const rows = await ctx.db
    .selectFrom("api_tokens")
    .selectAll()
    .where("user_id", "=", principal.userId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return { tokens: rows.map(toDto) };
}

export async function revokeToken(ctx: PortalContext, principal: Principal, tokenId: string) {
  const row = await ctx.db
    .selectFrom("api_tokens")
    .selectAll()
    .where("id", "=", tokenId)
    .where("user_id", "=", principal.userId)
    .executeTakeFirst();
  if (!row) throw notFound("API token");
  if (row.revoked_at)
    throw new AppError(409, "conflict", `the token "${row.name}" was already revoked at ${row.revoked_at}`);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable("api_tokens")
      .set({ revoked_at: now.toISOString() })
      .where("id", "=", tokenId)
      .execute();
    await audit(tx, now, {
      employerId: principal.employerId,
      actor: principal,
      action: "api_token.revoked",
      objectType: "api_token",
      objectId: tokenId,
      details: { name: row.name },
    });
  });
  return toDto({ ...row, revoked_at: now.toISOString() });
}
