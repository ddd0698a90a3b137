import type { z } from "zod";
import type { LoginRequest, RegisterRequest, TokenPair, WhoAmI } from "../../contract/auth.js";
import type { Role } from "../../contract/common.js";
import type { PortalContext } from "../context.js";
import type { Db, Tx } from "../db/index.js";
import { AppError, unauthorized } from "../errors.js";
import { newId, newRegistrationKey, newToken, normalizeRegistrationKey, sha256 } from "../ids.js";
import { featuresOf, type Principal } from "./access.js";
import { audit } from "./audit.js";
import { checkPasswordStrength, DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from "./passwords.js";

const iso = (d: Date) => d.toISOString();
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

/**
 * Issues a registration key for a user who has not registered yet, revoking earlier unused keys, and
 * e-mails it. Returns the key (the caller may print it in the sandbox); only its hash is stored.
 */
export async function issueRegistrationKey(ctx: PortalContext, userId: string): Promise<string> {
  const now = ctx.clock.now();
  const key = newRegistrationKey();
  const user = await ctx.db.transaction().execute(async (tx) => {
    const user = await tx
      .selectFrom("users")
      .innerJoin("employers", "employers.id", "users.employer_id")
      .select(["users.id", "users.email", "users.name", "users.status", "employers.name as employerName"])
      .where("users.id", "=", userId)
      .executeTakeFirstOrThrow();
    if (user.status !== "pending") throw new AppError(409, "conflict", "this user has already registered");
    await tx
      .updateTable("registration_keys")
      .set({ revoked_at: iso(now) })
      .where("user_id", "=", userId)
      .where("used_at", "is", null)
      .where("revoked_at", "is", null)
      .execute();
    await tx
      .insertInto("registration_keys")
      .values({
        id: newId("rk"),
        user_id: userId,
        key_hash: sha256(normalizeRegistrationKey(key)),
        expires_at: iso(plus(now, ctx.settings.registrationKeyTtlMs)),
        used_at: null,
        revoked_at: null,
        created_at: iso(now),
      })
      .execute();
    return user;
  });
  const groups = await ctx.db
    .selectFrom("groups")
    .innerJoin("users", "users.employer_id", "groups.employer_id")
    .select("groups.group_number")
    .where("users.id", "=", userId)
    .orderBy("groups.group_number")
    .execute();
  const policyholder = await ctx.db
    .selectFrom("employers")
    .innerJoin("users", "users.employer_id", "employers.id")
    .select("employers.policyholder_id")
    .where("users.id", "=", userId)
    .executeTakeFirstOrThrow();
  const days = Math.round(ctx.settings.registrationKeyTtlMs / 86_400_000);
  await ctx.mailer.send({
    to: user.email,
    subject: `Your registration key for ${user.employerName}`,
    text: [
      `Hello ${user.name},`,
      "",
      `You have been given access to ${user.employerName}'s group coverage administration.`,
      "",
      `Registration key: ${key}`,
      `Policyholder ID: ${policyholder.policyholder_id}`,
      `Group number(s): ${groups.map((g) => g.group_number).join(", ")}`,
      "",
      `The key can be used once and expires in ${days} days. Register with:`,
      `  hnctl register --group-number ${groups[0]?.group_number ?? "G…"} --policyholder-id ${policyholder.policyholder_id} --key ${key} --username <choose one>`,
    ].join("\n"),
  });
  return key;
}

export async function register(
  ctx: PortalContext,
  input: z.output<typeof RegisterRequest>,
): Promise<{ userId: string; username: string; role: Role }> {
  const now = ctx.clock.now();
  const keyRow = await ctx.db
    .selectFrom("registration_keys")
    .innerJoin("users", "users.id", "registration_keys.user_id")
    .innerJoin("employers", "employers.id", "users.employer_id")
    .select([
      "registration_keys.id as keyId",
      "registration_keys.expires_at",
      "registration_keys.used_at",
      "registration_keys.revoked_at",
      "users.id as userId",
      "users.role",
      "users.status",
      "employers.id as employerId",
      "employers.name as employerName",
      "employers.policyholder_id",
    ])
    .where("registration_keys.key_hash", "=", sha256(normalizeRegistrationKey(input.key)))
    .executeTakeFirst();
  // Only someone holding a real key learns why it failed; a wrong key says no more than that.
  if (!keyRow) {
    throw new AppError(
      422,
      "registration_key_invalid",
      "the registration key is not recognised; copy it from the e-mail exactly",
      [{ path: "key", message: "not recognised" }],
    );
  }
  if (keyRow.used_at || keyRow.status !== "pending") {
    throw new AppError(
      409,
      "registration_key_used",
      "this registration key has already been used; sign in with `hnctl login`, or ask an administrator for a new key",
      [{ path: "key", message: "already used" }],
    );
  }
  if (keyRow.revoked_at || keyRow.expires_at <= iso(now)) {
    throw new AppError(
      422,
      "registration_key_expired",
      "this registration key has expired or was replaced by a newer one; ask an administrator to re-issue it",
      [{ path: "key", message: "expired" }],
    );
  }
  const group = await ctx.db
    .selectFrom("groups")
    .select("id")
    .where("employer_id", "=", keyRow.employerId)
    .where("group_number", "=", input.groupNumber)
    .executeTakeFirst();
  const details = [];
  if (keyRow.policyholder_id !== input.policyholderId)
    details.push({ path: "policyholderId", message: "does not match the employer of this key" });
  if (!group) details.push({ path: "groupNumber", message: "is not a group of the employer of this key" });
  if (details.length) {
    throw new AppError(
      422,
      "registration_mismatch",
      `the ${details.map((d) => d.path).join(" and ")} do not match the registration key; use the values from the e-mail`,
      details,
    );
  }
  checkPasswordStrength(input.password, [
    input.username,
    keyRow.employerName,
    input.groupNumber,
    keyRow.policyholder_id,
  ]);
  const passwordHash = await hashPassword(input.password);
  await ctx.db.transaction().execute(async (tx) => {
    const taken = await tx
      .selectFrom("users")
      .select("id")
      .where("username", "=", input.username)
      .executeTakeFirst();
    if (taken) {
      throw new AppError(409, "username_taken", `the username ${input.username} is taken; choose another`, [
        { path: "username", message: "taken" },
      ]);
    }
    // The key is single-use: the conditional update is the guard against a concurrent second use.
    const used = await tx
      .updateTable("registration_keys")
      .set({ used_at: iso(now) })
      .where("id", "=", keyRow.keyId)
      .where("used_at", "is", null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) {
      throw new AppError(409, "registration_key_used", "this registration key has already been used");
    }
    await tx
      .updateTable("users")
      .set({
        username: input.username,
        password_hash: passwordHash,
        status: "active",
        registered_at: iso(now),
      })
      .where("id", "=", keyRow.userId)
      .execute();
    await audit(tx, now, {
      employerId: keyRow.employerId,
      actor: { userId: keyRow.userId },
      action: "user.registered",
      objectType: "user",
      objectId: keyRow.userId,
    });
  });
  return { userId: keyRow.userId, username: input.username, role: keyRow.role };
}

async function issueTokenPair(
  tx: Tx | Db,
  ctx: PortalContext,
  familyId: string,
  now: Date,
): Promise<TokenPair> {
  const accessToken = newToken("hna");
  const refreshToken = newToken("hnr");
  const accessExpires = plus(now, ctx.settings.accessTokenTtlMs);
  const refreshExpires = plus(now, ctx.settings.refreshTokenTtlMs);
  await tx
    .insertInto("session_tokens")
    .values([
      {
        token_hash: sha256(accessToken),
        family_id: familyId,
        kind: "access",
        expires_at: iso(accessExpires),
        used_at: null,
        created_at: iso(now),
      },
      {
        token_hash: sha256(refreshToken),
        family_id: familyId,
        kind: "refresh",
        expires_at: iso(refreshExpires),
        used_at: null,
        created_at: iso(now),
      },
    ])
    .execute();
  return {
    tokenType: "Bearer",
    accessToken,
    accessTokenExpiresAt: iso(accessExpires),
    refreshToken,
    refreshTokenExpiresAt: iso(refreshExpires),
  };
}

const invalidCredentials = () => new AppError(401, "invalid_credentials", "wrong username or password");

export async function login(ctx: PortalContext, input: z.output<typeof LoginRequest>): Promise<TokenPair> {
  const now = ctx.clock.now();
  const user = await ctx.db
    .selectFrom("users")
    .selectAll()
    .where("username", "=", input.username)
    .executeTakeFirst();
  if (!user?.password_hash) {
    await verifyPassword(input.password, await DUMMY_HASH_PROMISE); // same cost as a real check
    throw invalidCredentials();
  }
  if (user.locked_until && user.locked_until > iso(now)) {
    const retryAfter = Math.ceil((Date.parse(user.locked_until) - now.getTime()) / 1000);
    throw new AppError(
      429,
      "account_locked",
      `the account is locked after repeated failed sign-ins; try again after ${user.locked_until}, or ask an administrator`,
      undefined,
      { "retry-after": String(retryAfter) },
    );
  }
  const ok = await verifyPassword(input.password, user.password_hash);
  if (!ok) {
    const failures = user.failed_logins + 1;
    const lock = failures >= ctx.settings.maxFailedLogins;
    await ctx.db
      .updateTable("users")
      .set({
        failed_logins: lock ? 0 : failures,
        locked_until: lock ? iso(plus(now, ctx.settings.lockoutMs)) : user.locked_until,
      })
      .where("id", "=", user.id)
      .execute();
    await audit(ctx.db, now, {
      employerId: user.employer_id,
      actor: { userId: user.id },
      action: lock ? "user.locked" : "user.login_failed",
      objectType: "user",
      objectId: user.id,
    });
    throw invalidCredentials();
  }
  if (user.status === "disabled") {
    throw new AppError(
      403,
      "account_disabled",
      "this account is disabled; ask an administrator to enable it",
    );
  }
  return ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable("users")
      .set({ failed_logins: 0, locked_until: null })
      .where("id", "=", user.id)
      .execute();
    const familyId = newId("ses");
    await tx
      .insertInto("session_families")
      .values({
        id: familyId,
        user_id: user.id,
        created_at: iso(now),
        revoked_at: null,
        revoked_reason: null,
      })
      .execute();
    await audit(tx, now, {
      employerId: user.employer_id,
      actor: { userId: user.id },
      action: "user.login",
      objectType: "session",
      objectId: familyId,
    });
    return issueTokenPair(tx, ctx, familyId, now);
  });
}

const sessionExpired = () =>
  new AppError(401, "token_expired", "the session has expired or was signed out; run `hnctl login` again");

/** Refresh rotation: each refresh token works once; presenting a used one means it leaked, so the family dies. */
export async function refresh(ctx: PortalContext, refreshToken: string): Promise<TokenPair> {
  const now = ctx.clock.now();
  const result = await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom("session_tokens")
      .innerJoin("session_families", "session_families.id", "session_tokens.family_id")
      .innerJoin("users", "users.id", "session_families.user_id")
      .select([
        "session_tokens.token_hash",
        "session_tokens.family_id",
        "session_tokens.expires_at",
        "session_tokens.used_at",
        "session_families.revoked_at",
        "users.status",
        "users.id as userId",
        "users.employer_id",
      ])
      .where("session_tokens.token_hash", "=", sha256(refreshToken))
      .where("session_tokens.kind", "=", "refresh")
      .executeTakeFirst();
    if (!row || row.revoked_at || row.status !== "active" || row.expires_at <= iso(now))
      return { error: sessionExpired() };
    if (row.used_at) {
      await revokeFamily(tx, row.family_id, now, "refresh token reuse");
      await audit(tx, now, {
        employerId: row.employer_id,
        actor: { userId: row.userId },
        action: "session.refresh_reuse_revoked",
        objectType: "session",
        objectId: row.family_id,
      });
      return { error: sessionExpired() };
    }
    await tx
      .updateTable("session_tokens")
      .set({ used_at: iso(now) })
      .where("token_hash", "=", row.token_hash)
      .execute();
    return { pair: await issueTokenPair(tx, ctx, row.family_id, now) };
  });
  // The revocation above must commit, so the error is thrown after the transaction.
  if ("error" in result) throw result.error;
  return result.pair;
}

async function revokeFamily(tx: Tx | Db, familyId: string, now: Date, reason: string): Promise<void> {
  await tx
    .updateTable("session_families")
    .set({ revoked_at: iso(now), revoked_reason: reason })
    .where("id", "=", familyId)
    .where("revoked_at", "is", null)
    .execute();
}

export async function logout(ctx: PortalContext, refreshToken: string): Promise<{ revoked: boolean }> {
  const now = ctx.clock.now();
  const row = await ctx.db
    .selectFrom("session_tokens")
    .innerJoin("session_families", "session_families.id", "session_tokens.family_id")
    .select(["session_tokens.family_id", "session_families.revoked_at", "session_families.user_id"])
    .where("session_tokens.token_hash", "=", sha256(refreshToken))
    .where("session_tokens.kind", "=", "refresh")
    .executeTakeFirst();
  if (!row || row.revoked_at) return { revoked: false };
  await revokeFamily(ctx.db, row.family_id, now, "logout");
  return { revoked: true };
}

/** Creates an API token for automation. Features are narrowed to what the user holds. Returns the token once. */
export async function createApiToken(
  ctx: PortalContext,
  userId: string,
  input: { name: string; features: string[]; expiresAt: Date },
): Promise<{ id: string; token: string }> {
  const token = newToken("hnt");
  const id = newId("tok");
  await ctx.db
    .insertInto("api_tokens")
    .values({
      id,
      user_id: userId,
      name: input.name,
      token_hash: sha256(token),
      features: JSON.stringify(input.features),
      expires_at: iso(input.expiresAt),
      revoked_at: null,
      created_at: iso(ctx.clock.now()),
      last_used_at: null,
    })
    .execute();
  return { id, token };
}

/** Bearer token → Principal, or 401. Access tokens and API tokens are both accepted. */
export async function authenticate(ctx: PortalContext, bearer: string | undefined): Promise<Principal> {
  if (!bearer) throw unauthorized();
  const now = iso(ctx.clock.now());
  const hash = sha256(bearer);
  if (bearer.startsWith("hnt_")) {
    const tok = await ctx.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("token_hash", "=", hash)
      .executeTakeFirst();
    if (!tok || tok.revoked_at)
      throw new AppError(
        401,
        "unauthorized",
        "the API token is not valid or was revoked; create a new one with `hnctl auth token create`",
      );
    if (tok.expires_at <= now)
      throw new AppError(
        401,
        "token_expired",
        `the API token "${tok.name}" expired at ${tok.expires_at}; create a new one`,
      );
    const principal = await principalFor(ctx, tok.user_id, {
      kind: "api_token",
      tokenId: tok.id,
      name: tok.name,
      expiresAt: tok.expires_at,
    });
    const allowed = new Set(JSON.parse(tok.features) as string[]);
    principal.features = new Set([...principal.features].filter((f) => allowed.has(f)));
    // "Last used" to the minute is enough, and spares a write on every request of a busy cron job.
    if (!tok.last_used_at || Date.parse(now) - Date.parse(tok.last_used_at) > 60_000) {
      await ctx.db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", tok.id).execute();
    }
    return principal;
  }
  const row = await ctx.db
    .selectFrom("session_tokens")
    .innerJoin("session_families", "session_families.id", "session_tokens.family_id")
    .select([
      "session_tokens.expires_at",
      "session_families.revoked_at",
      "session_families.user_id",
      "session_families.id as familyId",
    ])
    .where("session_tokens.token_hash", "=", hash)
    .where("session_tokens.kind", "=", "access")
    .executeTakeFirst();
  if (!row || row.revoked_at)
    throw unauthorized("the access token is not valid or the session was signed out; run `hnctl login`");
  if (row.expires_at <= now) throw new AppError(401, "token_expired", "the access token has expired");
  return principalFor(ctx, row.user_id, {
    kind: "session",
    familyId: row.familyId,
    expiresAt: row.expires_at,
  });
}

export async function principalFor(
  ctx: PortalContext,
  userId: string,
  credential: Principal["credential"],
): Promise<Principal & { features: Set<string> }> {
  const user = await ctx.db
    .selectFrom("users")
    .select(["id", "employer_id", "role", "status"])
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  if (user.status !== "active")
    throw new AppError(
      401,
      "account_disabled",
      "this account is disabled; ask an administrator to enable it",
    );
  const [features, scopes] = await Promise.all([
    ctx.db.selectFrom("user_features").select("feature").where("user_id", "=", userId).execute(),
    ctx.db
      .selectFrom("user_scopes")
      .select(["group_id", "location_id"])
      .where("user_id", "=", userId)
      .execute(),
  ]);
  const employerWide = user.role === "primary-admin" || user.role === "secondary-admin";
  return {
    userId: user.id,
    employerId: user.employer_id,
    role: user.role,
    features: featuresOf(
      user.role,
      features.map((f) => f.feature),
    ),
    scope: {
      employerWide,
      groupIds: new Set(scopes.flatMap((s) => (s.group_id ? [s.group_id] : []))),
      locationIds: new Set(scopes.flatMap((s) => (s.location_id ? [s.location_id] : []))),
    },
    credential,
  };
}

export async function whoami(ctx: PortalContext, principal: Principal): Promise<WhoAmI> {
  const user = await ctx.db
    .selectFrom("users")
    .innerJoin("employers", "employers.id", "users.employer_id")
    .select([
      "users.id",
      "users.username",
      "users.name",
      "users.email",
      "users.role",
      "employers.id as employerId",
      "employers.name as employerName",
      "employers.policyholder_id",
    ])
    .where("users.id", "=", principal.userId)
    .executeTakeFirstOrThrow();
  const groups = await ctx.db
    .selectFrom("groups")
    .select(["id", "group_number"])
    .where("employer_id", "=", principal.employerId)
    .orderBy("group_number")
    .execute();
  const locations = principal.scope.locationIds.size
    ? await ctx.db
        .selectFrom("locations")
        .select(["id", "code"])
        .where("id", "in", [...principal.scope.locationIds])
        .orderBy("code")
        .execute()
    : [];
  const { credential } = principal;
  return {
    user: { id: user.id, username: user.username ?? "", name: user.name, email: user.email, role: user.role },
    employer: {
      id: user.employerId,
      name: user.employerName,
      policyholderId: user.policyholder_id,
      groupNumbers: groups.map((g) => g.group_number),
    },
    features: [...principal.features].sort(),
    scope: {
      employerWide: principal.scope.employerWide,
      groups: groups.filter((g) => principal.scope.groupIds.has(g.id)).map((g) => g.group_number),
      locations: locations.map((l) => l.code),
    },
    credential:
      credential.kind === "api_token"
        ? { kind: "api_token", name: credential.name, expiresAt: credential.expiresAt }
        : { kind: "session", expiresAt: credential.expiresAt },
  };
}
