import type { z } from "zod";
import type {
  GroupList,
  LocationList,
  PlanList,
  ProviderList,
  ProviderSearchQuery,
} from "../../contract/members.js";
import type { PortalContext } from "../context.js";
import type { Database, Db, Tx } from "../db/index.js";
import type { Principal } from "./access.js";
import { normalizeName } from "./coverage.js";

/** The employer's catalog: plans, the provider directory, groups and locations, and lookups by user-facing code. */

type Out<T extends z.ZodType> = z.output<T>;
export type PlanRow = Database["plans"];
export type ProviderRow = Database["providers"];

export async function listPlans(
  ctx: PortalContext,
  principal: Principal,
  group?: string,
): Promise<Out<typeof PlanList>> {
  let q = ctx.db
    .selectFrom("plans")
    .selectAll()
    .where("employer_id", "=", principal.employerId)
    .orderBy("code");
  if (group)
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("plan_groups")
          .innerJoin("groups", "groups.id", "plan_groups.group_id")
          .select("plan_groups.plan_id")
          .whereRef("plan_groups.plan_id", "=", "plans.id")
          .where("groups.group_number", "=", group),
      ),
    );
  const plans = await q.execute();
  const offered = await ctx.db
    .selectFrom("plan_groups")
    .innerJoin("groups", "groups.id", "plan_groups.group_id")
    .select(["plan_groups.plan_id", "groups.group_number"])
    .where("groups.employer_id", "=", principal.employerId)
    .orderBy("groups.group_number")
    .execute();
  return {
    plans: plans.map((p) => ({
      code: p.code,
      name: p.name,
      type: p.type,
      requiresPcp: p.requires_pcp === 1,
      monthlyRatesCents: { EE: p.rate_ee, ES: p.rate_es, EC: p.rate_ec, EF: p.rate_ef },
      groupNumbers: offered.filter((o) => o.plan_id === p.id).map((o) => o.group_number),
    })),
  };
}

export async function searchProviders(
  ctx: PortalContext,
  principal: Principal,
  query: Out<typeof ProviderSearchQuery>,
): Promise<Out<typeof ProviderList>> {
  let q = ctx.db
    .selectFrom("providers")
    .selectAll()
    .orderBy("last_name")
    .orderBy("first_name")
    .orderBy("npi");
  if (query.zip) q = q.where("zip", ">=", query.zip).where("zip", "<", `${query.zip}\uffff`);
  if (query.accepting !== undefined) q = q.where("accepting_new_patients", "=", query.accepting ? 1 : 0);
  if (query.plan) {
    const plan = query.plan;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("provider_plans")
          .innerJoin("plans", "plans.id", "provider_plans.plan_id")
          .select("provider_plans.plan_id")
          .whereRef("provider_plans.provider_id", "=", "providers.id")
          .where("plans.code", "=", plan)
          .where("plans.employer_id", "=", principal.employerId),
      ),
    );
  }
  // The directory is small; the name filter is applied on normalised names so accents and case don't matter.
  const rows = await q.execute();
  const name = query.name ? normalizeName(query.name) : undefined;
  const matching = (name ? rows.filter((r) => normalizeName(r.last_name).startsWith(name)) : rows).slice(
    0,
    query.limit,
  );
  const networks = await ctx.db
    .selectFrom("provider_plans")
    .innerJoin("plans", "plans.id", "provider_plans.plan_id")
    .select(["provider_plans.provider_id", "plans.code"])
    .where("plans.employer_id", "=", principal.employerId)
    .orderBy("plans.code")
    .execute();
  return {
    providers: matching.map((p) => ({
      id: p.id,
      npi: p.npi,
      firstName: p.first_name,
      lastName: p.last_name,
      specialty: p.specialty,
      city: p.city,
      state: p.state,
      zip: p.zip,
      acceptingNewPatients: p.accepting_new_patients === 1,
      planCodes: networks.filter((n) => n.provider_id === p.id).map((n) => n.code),
    })),
  };
}

/** Groups in the caller's scope (a caller scoped to locations only sees every group, at those locations). */
export async function listGroups(ctx: PortalContext, principal: Principal): Promise<Out<typeof GroupList>> {
  const { scope } = principal;
  const groups = (
    await ctx.db
      .selectFrom("groups")
      .selectAll()
      .where("employer_id", "=", principal.employerId)
      .orderBy("group_number")
      .execute()
  ).filter((g) => scope.employerWide || scope.groupIds.size === 0 || scope.groupIds.has(g.id));
  if (!scope.employerWide && scope.groupIds.size === 0 && scope.locationIds.size === 0) return { groups: [] };
  const ids = groups.map((g) => g.id);
  const [subgroups, plans] = ids.length
    ? await Promise.all([
        ctx.db.selectFrom("subgroups").selectAll().where("group_id", "in", ids).orderBy("code").execute(),
        ctx.db
          .selectFrom("plan_groups")
          .innerJoin("plans", "plans.id", "plan_groups.plan_id")
          .select(["plan_groups.group_id", "plans.code"])
          .where("plan_groups.group_id", "in", ids)
          .orderBy("plans.code")
          .execute(),
      ])
    : [[], []];
  return {
    groups: groups.map((g) => ({
      groupNumber: g.group_number,
      name: g.name,
      subgroups: subgroups.filter((s) => s.group_id === g.id).map((s) => ({ code: s.code, name: s.name })),
      planCodes: plans.filter((p) => p.group_id === g.id).map((p) => p.code),
    })),
  };
}

export async function listLocations(
  ctx: PortalContext,
  principal: Principal,
): Promise<Out<typeof LocationList>> {
  const { scope } = principal;
  if (!scope.employerWide && scope.groupIds.size === 0 && scope.locationIds.size === 0)
    return { locations: [] };
  const rows = await ctx.db
    .selectFrom("locations")
    .selectAll()
    .where("employer_id", "=", principal.employerId)
    .orderBy("code")
    .execute();
  return {
    locations: rows
      .filter((l) => scope.employerWide || scope.locationIds.size === 0 || scope.locationIds.has(l.id))
      .map((l) => ({ code: l.code, name: l.name, city: l.city, state: l.state })),
  };
}

// ---------------------------------------------------------------- lookups by the codes users type

export async function findGroup(db: Db | Tx, employerId: string, groupNumber: string) {
  return db
    .selectFrom("groups")
    .selectAll()
    .where("employer_id", "=", employerId)
    .where("group_number", "=", groupNumber)
    .executeTakeFirst();
}

export async function findSubgroup(db: Db | Tx, groupId: string, code: string) {
  return db
    .selectFrom("subgroups")
    .selectAll()
    .where("group_id", "=", groupId)
    .where("code", "=", code)
    .executeTakeFirst();
}

export async function countSubgroups(db: Db | Tx, groupId: string): Promise<number> {
  const row = await db
    .selectFrom("subgroups")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("group_id", "=", groupId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findLocation(db: Db | Tx, employerId: string, code: string) {
  return db
    .selectFrom("locations")
    .selectAll()
    .where("employer_id", "=", employerId)
    .where("code", "=", code)
    .executeTakeFirst();
}

export async function findPlan(db: Db | Tx, employerId: string, code: string) {
  return db
    .selectFrom("plans")
    .selectAll()
    .where("employer_id", "=", employerId)
    .where("code", "=", code)
    .executeTakeFirst();
}

export async function planOfferedToGroup(db: Db | Tx, planId: string, groupId: string): Promise<boolean> {
  const row = await db
    .selectFrom("plan_groups")
    .select("plan_id")
    .where("plan_id", "=", planId)
    .where("group_id", "=", groupId)
    .executeTakeFirst();
  return Boolean(row);
}

/** A provider by NPI or `prv_` ID. */
export async function findProvider(db: Db | Tx, ref: string) {
  return db
    .selectFrom("providers")
    .selectAll()
    .where(ref.startsWith("prv_") ? "id" : "npi", "=", ref)
    .executeTakeFirst();
}

export async function providerInNetwork(db: Db | Tx, providerId: string, planId: string): Promise<boolean> {
  const row = await db
    .selectFrom("provider_plans")
    .select("plan_id")
    .where("provider_id", "=", providerId)
    .where("plan_id", "=", planId)
    .executeTakeFirst();
  return Boolean(row);
}

/**
 * The lookups above, remembered for the length of one request. A roster import asks the same few
 * questions (this group, that plan, this PCP) for every row; nothing an import does can change the
 * answers, so one request asks the database once. Single-member routes make a fresh one per call.
 */
export class CatalogLookups {
  readonly #memo = new Map<string, unknown>();

  async #remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const value = await load();
    this.#memo.set(key, value);
    return value;
  }

  group(db: Db | Tx, employerId: string, groupNumber: string) {
    return this.#remember(`g:${employerId}:${groupNumber}`, () => findGroup(db, employerId, groupNumber));
  }
  subgroup(db: Db | Tx, groupId: string, code: string) {
    return this.#remember(`s:${groupId}:${code}`, () => findSubgroup(db, groupId, code));
  }
  countSubgroups(db: Db | Tx, groupId: string) {
    return this.#remember(`n:${groupId}`, () => countSubgroups(db, groupId));
  }
  location(db: Db | Tx, employerId: string, code: string) {
    return this.#remember(`l:${employerId}:${code}`, () => findLocation(db, employerId, code));
  }
  plan(db: Db | Tx, employerId: string, code: string) {
    return this.#remember(`p:${employerId}:${code}`, () => findPlan(db, employerId, code));
  }
  planOffered(db: Db | Tx, planId: string, groupId: string) {
    return this.#remember(`o:${planId}:${groupId}`, () => planOfferedToGroup(db, planId, groupId));
  }
  provider(db: Db | Tx, ref: string) {
    return this.#remember(`v:${ref}`, () => findProvider(db, ref));
  }
  inNetwork(db: Db | Tx, providerId: string, planId: string) {
    return this.#remember(`i:${providerId}:${planId}`, () => providerInNetwork(db, providerId, planId));
  }
}
