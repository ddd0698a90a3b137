import { FEATURES } from "../../src/contract/common.js";
import { createApiToken } from "../../src/portal/services/auth.js";
import { demoIds } from "../../src/portal/services/demo.js";
import { newId } from "../../src/portal/ids.js";
import type { TestPortal } from "./portal.js";

/** "Today" for enrollment tests: the portal's clock is set here so date rules are deterministic. */
export const TODAY = "2026-11-15";

export function pinClock(portal: TestPortal, at = `${TODAY}T12:00:00.000Z`): void {
  portal.clock.offsetMs = Date.parse(at) - Date.now();
}

export const address = { line1: "1 Test Street", city: "Detroit", state: "MI", zip: "48201" };

/** A valid enrollment: subscriber + spouse + child on the PPO in G1000001/SAL at DET (tier EF). */
export function enrollBody(over: Record<string, unknown> = {}) {
  return {
    groupNumber: "G1000001",
    subgroup: "SAL",
    location: "DET",
    plan: "PPO-1000",
    effectiveDate: "2026-12-01",
    employeeNumber: "T100",
    hireDate: "2020-01-06",
    subscriber: {
      firstName: "Pat",
      lastName: "Tester",
      ssn: "123-45-6789",
      dateOfBirth: "1980-05-05",
      sex: "F",
      maritalStatus: "married",
      address,
    },
    dependents: [
      {
        relationship: "spouse",
        firstName: "Sam",
        lastName: "Tester",
        ssn: "234-56-7890",
        dateOfBirth: "1981-01-01",
        sex: "M",
      },
      {
        relationship: "child",
        firstName: "Kim",
        lastName: "Tester",
        ssn: "345-67-8901",
        dateOfBirth: "2015-03-03",
        sex: "U",
      },
    ],
    ...over,
  };
}

/** Every enrollment table, to prove a refused request changed nothing. */
export async function enrollmentSnapshot(portal: TestPortal) {
  const db = portal.ctx.db;
  return JSON.stringify(
    await Promise.all([
      db.selectFrom("members").selectAll().orderBy("id").execute(),
      db.selectFrom("people").selectAll().orderBy("id").execute(),
      db.selectFrom("cobra_coverages").selectAll().orderBy("id").execute(),
      db.selectFrom("enrollment_transactions").selectAll().orderBy("id").execute(),
      db.selectFrom("audit_events").selectAll().where("action", "like", "member.%").orderBy("id").execute(),
    ]),
  );
}

/**
 * A group administrator (or delegate) limited to some groups and/or locations, with an API token.
 * Inserted directly: user management is another issue's routes.
 */
export async function scopedUser(
  portal: TestPortal,
  opts: { features: string[]; groups?: string[]; locations?: string[]; role?: "group-admin" | "delegate" },
): Promise<string> {
  const db = portal.ctx.db;
  const userId = newId("usr");
  await db
    .insertInto("users")
    .values({
      id: userId,
      employer_id: demoIds.employer,
      role: opts.role ?? "group-admin",
      username: userId,
      password_hash: null,
      name: "Scoped administrator",
      email: `${userId}@acme.example`,
      phone: null,
      status: "active",
      locked_until: null,
      created_by: null,
      created_at: new Date().toISOString(),
      registered_at: new Date().toISOString(),
    })
    .execute();
  for (const feature of opts.features)
    await db.insertInto("user_features").values({ user_id: userId, feature }).execute();
  for (const g of opts.groups ?? [])
    await db
      .insertInto("user_scopes")
      .values({ user_id: userId, group_id: demoIds.group(g), location_id: null })
      .execute();
  for (const l of opts.locations ?? [])
    await db
      .insertInto("user_scopes")
      .values({ user_id: userId, group_id: null, location_id: demoIds.location(l) })
      .execute();
  const { token } = await createApiToken(portal.ctx, userId, {
    name: "test",
    features: opts.features,
    expiresAt: new Date(Date.now() + 365 * 86_400_000),
  });
  return token;
}

export const paths = (body: any): string[] =>
  (body?.error?.details ?? []).map((d: { path: string }) => d.path);

/**
 * An API token of the demo primary administrator (every feature, employer-wide) that outlives clock moves.
 * The administrator is activated directly: registration (password hashing) is tested elsewhere and slow.
 */
export async function adminToken(portal: TestPortal): Promise<string> {
  await portal.ctx.db
    .updateTable("users")
    .set({ status: "active", username: "acme-admin", registered_at: new Date().toISOString() })
    .where("id", "=", demoIds.primaryAdmin)
    .execute();
  const { token } = await createApiToken(portal.ctx, demoIds.primaryAdmin, {
    name: "enrollment tests",
    features: [...FEATURES],
    expiresAt: new Date(Date.now() + 5 * 365 * 86_400_000),
  });
  return token;
}
