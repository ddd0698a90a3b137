import type { z } from "zod";
import type { Feature, Role } from "../../contract/common.js";
import type {
  NotificationPreferences,
  NotificationUpdate,
  User,
  UserCreateRequest,
  UserUpdateRequest,
} from "../../contract/users.js";
import type { PortalContext } from "../context.js";
import type { Db, Tx } from "../db/index.js";
import { AppError, notFound } from "../errors.js";
import { newId } from "../ids.js";
import { featuresOf, type Principal } from "./access.js";
import { audit } from "./audit.js";
import { issueRegistrationKey } from "./auth.js";

/**
 * Accounts and who may manage whom (DOMAIN.md, Accounts and access):
 * - the primary administrator exists from onboarding; only they create the secondary (at most one);
 * - group administrators are created by the primary or secondary administrator;
 * - delegates are created by any administrator (primary, secondary, group) with at most the
 *   creator's own features and scope; delegates create no one, so `users.manage` is not theirs to hold;
 * - group administrators and delegates always have a scope (at least one group or location).
 * Users outside what the caller manages answer 404, like every object out of scope.
 */

interface UserRow {
  id: string;
  employer_id: string;
  role: Role;
  status: "pending" | "active" | "disabled";
  username: string | null;
  name: string;
  email: string;
  phone: string | null;
  created_at: string;
  created_by: string | null;
  registered_at: string | null;
}

interface Grants {
  features: Set<Feature>;
  groupIds: Set<string>;
  locationIds: Set<string>;
}

const isEmployerWide = (role: Role) => role === "primary-admin" || role === "secondary-admin";

/** What a user row contributes to the API's User (never the password hash). */
const USER_COLUMNS = [
  "id",
  "employer_id",
  "role",
  "status",
  "username",
  "name",
  "email",
  "phone",
  "created_at",
  "created_by",
  "registered_at",
] as const;

async function loadUser(db: Db | Tx, employerId: string, userId: string): Promise<UserRow | undefined> {
  return db
    .selectFrom("users")
    .select(USER_COLUMNS)
    .where("id", "=", userId)
    .where("employer_id", "=", employerId)
    .executeTakeFirst();
}

async function grantsOf(db: Db | Tx, user: Pick<UserRow, "id" | "role">): Promise<Grants> {
  const [features, scopes] = await Promise.all([
    db.selectFrom("user_features").select("feature").where("user_id", "=", user.id).execute(),
    db.selectFrom("user_scopes").select(["group_id", "location_id"]).where("user_id", "=", user.id).execute(),
  ]);
  return {
    features: featuresOf(
      user.role,
      features.map((f) => f.feature),
    ),
    groupIds: new Set(scopes.flatMap((s) => (s.group_id ? [s.group_id] : []))),
    locationIds: new Set(scopes.flatMap((s) => (s.location_id ? [s.location_id] : []))),
  };
}

const subset = <T>(a: Set<T>, b: ReadonlySet<T>) => [...a].every((x) => b.has(x));

/** A grant fits inside the manager's when every dimension the manager is limited on limits it too, more narrowly. */
function withinScope(grants: Grants, manager: Principal): boolean {
  const m = manager.scope;
  if (m.employerWide) return true;
  if (m.groupIds.size > 0 && (grants.groupIds.size === 0 || !subset(grants.groupIds, m.groupIds)))
    return false;
  if (m.locationIds.size > 0 && (grants.locationIds.size === 0 || !subset(grants.locationIds, m.locationIds)))
    return false;
  return true;
}

/** Whether `manager` may see and change `target` (not themselves: self-service has its own rules). */
async function manages(db: Db | Tx, manager: Principal, target: UserRow): Promise<boolean> {
  if (target.employer_id !== manager.employerId || target.id === manager.userId) return false;
  if (!manager.features.has("users.manage")) return false;
  if (manager.role === "primary-admin") return true;
  if (manager.role === "secondary-admin") return target.role !== "primary-admin";
  if (manager.role === "group-admin") {
    if (target.role !== "delegate") return false;
    const grants = await grantsOf(db, target);
    return withinScope(grants, manager) && subset(grants.features, manager.features);
  }
  return false;
}

async function toDto(db: Db | Tx, row: UserRow): Promise<User> {
  const grants = await grantsOf(db, row);
  const [groups, locations] = await Promise.all([
    grants.groupIds.size
      ? db
          .selectFrom("groups")
          .select("group_number")
          .where("id", "in", [...grants.groupIds])
          .orderBy("group_number")
          .execute()
      : [],
    grants.locationIds.size
      ? db
          .selectFrom("locations")
          .select("code")
          .where("id", "in", [...grants.locationIds])
          .orderBy("code")
          .execute()
      : [],
  ]);
  return {
    id: row.id,
    role: row.role,
    status: row.status,
    username: row.username,
    name: row.name,
    email: row.email,
    phone: row.phone,
    features: [...grants.features].sort(),
    scope: {
      employerWide: isEmployerWide(row.role),
      groups: groups.map((g) => g.group_number),
      locations: locations.map((l) => l.code),
    },
    createdAt: row.created_at,
    createdBy: row.created_by,
    registeredAt: row.registered_at,
  };
}

/** `me` or an ID → a user the caller may see (themselves, or one they manage), else 404. */
async function visibleUser(
  ctx: PortalContext,
  principal: Principal,
  userId: string,
): Promise<{ row: UserRow; self: boolean }> {
  const id = userId === "me" ? principal.userId : userId;
  const row = await loadUser(ctx.db, principal.employerId, id);
  if (!row) throw notFound("user");
  if (row.id === principal.userId) return { row, self: true };
  if (!(await manages(ctx.db, principal, row))) throw notFound("user");
  return { row, self: false };
}

async function managedUser(ctx: PortalContext, principal: Principal, userId: string): Promise<UserRow> {
  const { row, self } = await visibleUser(ctx, principal, userId);
  if (self)
    throw new AppError(403, "forbidden", "you cannot do this to your own account; ask another administrator");
  return row;
}

/** Group numbers and location codes → IDs of this employer; unknown ones are named. */
async function resolveScope(db: Db | Tx, employerId: string, groups: string[], locations: string[]) {
  const groupRows = groups.length
    ? await db
        .selectFrom("groups")
        .select(["id", "group_number"])
        .where("employer_id", "=", employerId)
        .where("group_number", "in", groups)
        .execute()
    : [];
  const locationRows = locations.length
    ? await db
        .selectFrom("locations")
        .select(["id", "code"])
        .where("employer_id", "=", employerId)
        .where("code", "in", locations)
        .execute()
    : [];
  const details = [
    ...groups
      .filter((g) => !groupRows.some((r) => r.group_number === g))
      .map((g) => ({ path: "groups", message: `${g} is not a group of this employer` })),
    ...locations
      .filter((l) => !locationRows.some((r) => r.code === l))
      .map((l) => ({ path: "locations", message: `${l} is not a location of this employer` })),
  ];
  if (details.length)
    throw new AppError(422, "unprocessable", details.map((d) => d.message).join("; "), details);
  return {
    groupIds: new Set(groupRows.map((r) => r.id)),
    locationIds: new Set(locationRows.map((r) => r.id)),
  };
}

/** Checks a grant (features + scope) that `manager` wants to give to a user of `role`. */
function checkGrant(manager: Principal, role: Role, grants: Grants): void {
  if (isEmployerWide(role)) return;
  if (grants.groupIds.size === 0 && grants.locationIds.size === 0) {
    throw new AppError(422, "unprocessable", `a ${role} needs a scope: at least one group or location`, [
      { path: "groups", message: "give at least one group or location" },
    ]);
  }
  if (role === "delegate" && grants.features.has("users.manage")) {
    throw new AppError(
      422,
      "unprocessable",
      "delegates cannot hold users.manage: only administrators manage users",
      [{ path: "features", message: "users.manage is for administrators" }],
    );
  }
  const missing = [...grants.features].filter((f) => !manager.features.has(f));
  if (missing.length) {
    throw new AppError(
      403,
      "forbidden",
      `you cannot grant features you do not hold: ${missing.join(", ")}`,
      missing.map(() => ({ path: "features", message: "not yours to grant" })),
    );
  }
  if (!withinScope(grants, manager)) {
    throw new AppError(
      403,
      "forbidden",
      "you cannot grant a scope wider than your own: name only your groups and locations",
      [{ path: "groups", message: "outside your scope" }],
    );
  }
}

async function writeGrants(tx: Tx, userId: string, grants: Grants): Promise<void> {
  await tx.deleteFrom("user_features").where("user_id", "=", userId).execute();
  await tx.deleteFrom("user_scopes").where("user_id", "=", userId).execute();
  if (grants.features.size)
    await tx
      .insertInto("user_features")
      .values([...grants.features].map((feature) => ({ user_id: userId, feature })))
      .execute();
  const scopes = [
    ...[...grants.groupIds].map((group_id) => ({ user_id: userId, group_id, location_id: null })),
    ...[...grants.locationIds].map((location_id) => ({ user_id: userId, group_id: null, location_id })),
  ];
  if (scopes.length) await tx.insertInto("user_scopes").values(scopes).execute();
}

async function emailTaken(db: Db | Tx, email: string, exceptUserId?: string): Promise<void> {
  let q = db.selectFrom("users").select("id").where("email", "=", email);
  if (exceptUserId) q = q.where("id", "!=", exceptUserId);
  if (await q.executeTakeFirst()) {
    throw new AppError(409, "conflict", `the e-mail address ${email} is already used by another user`, [
      { path: "email", message: "already used" },
    ]);
  }
}

export async function listUsers(ctx: PortalContext, principal: Principal): Promise<User[]> {
  const rows = await ctx.db
    .selectFrom("users")
    .select(USER_COLUMNS)
    .where("employer_id", "=", principal.employerId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const visible: User[] = [];
  for (const row of rows) {
    if (row.id === principal.userId || (await manages(ctx.db, principal, row)))
      visible.push(await toDto(ctx.db, row));
  }
  return visible;
}

export async function createUser(
  ctx: PortalContext,
  principal: Principal,
  input: z.output<typeof UserCreateRequest>,
): Promise<User> {
  const now = ctx.clock.now().toISOString();
  if (input.role === "secondary-admin" && principal.role !== "primary-admin") {
    throw new AppError(
      403,
      "forbidden",
      "only the primary administrator creates the secondary administrator",
    );
  }
  if (input.role === "group-admin" && !isEmployerWide(principal.role)) {
    throw new AppError(
      403,
      "forbidden",
      "only the primary or secondary administrator creates group administrators",
    );
  }
  if (principal.role === "delegate") throw new AppError(403, "forbidden", "delegates cannot create users");
  const userId = newId("usr");
  const created = await ctx.db.transaction().execute(async (tx) => {
    await emailTaken(tx, input.email);
    if (input.role === "secondary-admin") {
      const existing = await tx
        .selectFrom("users")
        .select("id")
        .where("employer_id", "=", principal.employerId)
        .where("role", "=", "secondary-admin")
        .executeTakeFirst();
      if (existing)
        throw new AppError(
          409,
          "conflict",
          `there already is a secondary administrator (${existing.id}); an employer has at most one`,
        );
    }
    const scope = isEmployerWide(input.role)
      ? { groupIds: new Set<string>(), locationIds: new Set<string>() }
      : await resolveScope(tx, principal.employerId, input.groups, input.locations);
    const grants: Grants = { features: new Set(isEmployerWide(input.role) ? [] : input.features), ...scope };
    checkGrant(principal, input.role, grants);
    await tx
      .insertInto("users")
      .values({
        id: userId,
        employer_id: principal.employerId,
        role: input.role,
        username: null,
        password_hash: null,
        name: input.name,
        email: input.email,
        phone: input.phone ?? null,
        status: "pending",
        locked_until: null,
        created_by: principal.userId,
        created_at: now,
        registered_at: null,
      })
      .execute();
    await writeGrants(tx, userId, grants);
    await audit(tx, ctx.clock.now(), {
      employerId: principal.employerId,
      actor: principal,
      action: "user.created",
      objectType: "user",
      objectId: userId,
      details: { role: input.role, features: [...grants.features] },
    });
    return (await loadUser(tx, principal.employerId, userId))!;
  });
  await issueRegistrationKey(ctx, userId);
  return toDto(ctx.db, created);
}

export async function showUser(ctx: PortalContext, principal: Principal, userId: string): Promise<User> {
  return toDto(ctx.db, (await visibleUser(ctx, principal, userId)).row);
}

export async function updateUser(
  ctx: PortalContext,
  principal: Principal,
  userId: string,
  input: z.output<typeof UserUpdateRequest>,
): Promise<User> {
  const { row, self } = await visibleUser(ctx, principal, userId);
  const changesGrants =
    input.features !== undefined || input.groups !== undefined || input.locations !== undefined;
  if (self && changesGrants) {
    throw new AppError(
      403,
      "forbidden",
      "you cannot change your own features or scope; ask an administrator",
    );
  }
  if (changesGrants && isEmployerWide(row.role)) {
    throw new AppError(
      422,
      "unprocessable",
      "administrators hold every feature for the whole employer; their grants cannot be changed",
    );
  }
  const updated = await ctx.db.transaction().execute(async (tx) => {
    if (input.email) await emailTaken(tx, input.email, row.id);
    if (changesGrants) {
      const current = await grantsOf(tx, row);
      const scope =
        input.groups !== undefined || input.locations !== undefined
          ? await resolveScope(tx, principal.employerId, input.groups ?? [], input.locations ?? [])
          : { groupIds: current.groupIds, locationIds: current.locationIds };
      const grants: Grants = {
        features: input.features ? new Set(input.features) : current.features,
        ...scope,
      };
      checkGrant(principal, row.role, grants);
      await writeGrants(tx, row.id, grants);
    }
    const patch = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
    };
    if (Object.keys(patch).length)
      await tx.updateTable("users").set(patch).where("id", "=", row.id).execute();
    await audit(tx, ctx.clock.now(), {
      employerId: principal.employerId,
      actor: principal,
      action: "user.updated",
      objectType: "user",
      objectId: row.id,
      details: { fields: Object.keys(input) },
    });
    return (await loadUser(tx, principal.employerId, row.id))!;
  });
  return toDto(ctx.db, updated);
}

/** Disabling takes effect at once: every session and API token of the user is revoked in the same transaction. */
export async function setUserEnabled(
  ctx: PortalContext,
  principal: Principal,
  userId: string,
  enabled: boolean,
): Promise<User> {
  const row = await managedUser(ctx, principal, userId);
  if (!enabled && row.role === "primary-admin") {
    throw new AppError(422, "unprocessable", "the primary administrator cannot be disabled");
  }
  const now = ctx.clock.now().toISOString();
  const updated = await ctx.db.transaction().execute(async (tx) => {
    if (enabled) {
      if (row.status !== "disabled")
        throw new AppError(409, "conflict", `the user is ${row.status}, not disabled`);
      await tx
        .updateTable("users")
        .set({ status: row.registered_at ? "active" : "pending", failed_logins: 0, locked_until: null })
        .where("id", "=", row.id)
        .execute();
    } else {
      if (row.status === "disabled") throw new AppError(409, "conflict", "the user is already disabled");
      await tx.updateTable("users").set({ status: "disabled" }).where("id", "=", row.id).execute();
      await tx
        .updateTable("session_families")
        .set({ revoked_at: now, revoked_reason: "user disabled" })
        .where("user_id", "=", row.id)
        .where("revoked_at", "is", null)
        .execute();
      await tx
        .updateTable("api_tokens")
        .set({ revoked_at: now })
        .where("user_id", "=", row.id)
        .where("revoked_at", "is", null)
        .execute();
      await tx
        .updateTable("registration_keys")
        .set({ revoked_at: now })
        .where("user_id", "=", row.id)
        .where("used_at", "is", null)
        .where("revoked_at", "is", null)
        .execute();
    }
    await audit(tx, ctx.clock.now(), {
      employerId: principal.employerId,
      actor: principal,
      action: enabled ? "user.enabled" : "user.disabled",
      objectType: "user",
      objectId: row.id,
    });
    return (await loadUser(tx, principal.employerId, row.id))!;
  });
  return toDto(ctx.db, updated);
}

export async function reissueRegistrationKey(ctx: PortalContext, principal: Principal, userId: string) {
  const row = await managedUser(ctx, principal, userId);
  if (row.status !== "pending") {
    throw new AppError(
      409,
      "conflict",
      `the user is ${row.status}: registration keys are only for users who have not registered`,
    );
  }
  await issueRegistrationKey(ctx, row.id);
  await audit(ctx.db, ctx.clock.now(), {
    employerId: principal.employerId,
    actor: principal,
    action: "user.registration_key_issued",
    objectType: "user",
    objectId: row.id,
  });
  const key = await ctx.db
    .selectFrom("registration_keys")
    .select("expires_at")
    .where("user_id", "=", row.id)
    .orderBy("created_at", "desc")
    .executeTakeFirstOrThrow();
  return { userId: row.id, email: row.email, expiresAt: key.expires_at };
}

const DEFAULT_NOTIFICATIONS: NotificationPreferences = {
  reportReady: true,
  billAvailable: true,
  paymentStatus: true,
  enrollmentChanges: false,
};

export async function notificationPreferences(db: Db | Tx, userId: string): Promise<NotificationPreferences> {
  const row = await db
    .selectFrom("user_notifications")
    .selectAll()
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (!row) return { ...DEFAULT_NOTIFICATIONS };
  return {
    reportReady: row.report_ready === 1,
    billAvailable: row.bill_available === 1,
    paymentStatus: row.payment_status === 1,
    enrollmentChanges: row.enrollment_changes === 1,
  };
}

export async function showNotifications(ctx: PortalContext, principal: Principal, userId: string) {
  return notificationPreferences(ctx.db, (await visibleUser(ctx, principal, userId)).row.id);
}

export async function updateNotifications(
  ctx: PortalContext,
  principal: Principal,
  userId: string,
  input: z.output<typeof NotificationUpdate>,
) {
  const { row } = await visibleUser(ctx, principal, userId);
  const next = { ...(await notificationPreferences(ctx.db, row.id)), ...input };
  const values = {
    report_ready: Number(next.reportReady),
    bill_available: Number(next.billAvailable),
    payment_status: Number(next.paymentStatus),
    enrollment_changes: Number(next.enrollmentChanges),
  };
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto("user_notifications")
      .values({ user_id: row.id, ...values })
      .onConflict((oc) => oc.column("user_id").doUpdateSet(values))
      .execute();
    await audit(tx, ctx.clock.now(), {
      employerId: principal.employerId,
      actor: principal,
      action: "user.notifications_updated",
      objectType: "user",
      objectId: row.id,
      details: input,
    });
  });
  return next;
}

/**
 * Who gets a billing e-mail for a group: active users of the employer who may see the group's billing
 * (administrators; others holding one of `anyOf` with the group in scope — invoices span every location
 * of a group, so location-scoped users see none) and who turned the `preference` notice on.
 */
export async function billingRecipients(
  db: Db | Tx,
  employerId: string,
  groupId: string,
  anyOf: Feature[],
  preference: keyof NotificationPreferences,
): Promise<{ id: string; email: string }[]> {
  const users = await db
    .selectFrom("users")
    .select(["id", "email", "role"])
    .where("employer_id", "=", employerId)
    .where("status", "=", "active")
    .execute();
  const recipients = [];
  for (const u of users) {
    if (!isEmployerWide(u.role)) {
      const grants = await grantsOf(db, u);
      if (
        !anyOf.some((f) => grants.features.has(f)) ||
        grants.locationIds.size ||
        !grants.groupIds.has(groupId)
      )
        continue;
    }
    if ((await notificationPreferences(db, u.id))[preference]) recipients.push({ id: u.id, email: u.email });
  }
  return recipients;
}
