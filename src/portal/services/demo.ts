import type { PortalContext } from "../context.js";
import { seedId } from "../ids.js";
import { seedDemoInvoice } from "./billing.js";
import { seedDemoMembers } from "./demo-members.js";

/**
 * The demo employer of CLI.md. Deterministic IDs and `ON CONFLICT DO NOTHING` make seeding idempotent:
 * starting the portal with --demo on an existing database changes nothing that is already there.
 */
export const DEMO = {
  employer: { name: "Acme Manufacturing", policyholderId: "000001234" },
  groups: [
    {
      number: "G1000001",
      name: "Acme Manufacturing - Salaried and Hourly",
      subgroups: [
        { code: "SAL", name: "Salaried staff" },
        { code: "HRL", name: "Hourly staff" },
      ],
    },
    { number: "G1000002", name: "Acme Manufacturing - Union Local 12", subgroups: [] },
  ],
  locations: [
    { code: "DET", name: "Detroit plant", city: "Detroit", state: "MI" },
    { code: "TOL", name: "Toledo plant", city: "Toledo", state: "OH" },
    { code: "GRR", name: "Grand Rapids office", city: "Grand Rapids", state: "MI" },
  ],
  // Monthly rates in cents per tier: EE employee, ES + spouse/partner, EC + children, EF family.
  plans: [
    {
      code: "HMO-500",
      name: "Acme Care HMO 500",
      type: "HMO",
      rates: [52_000, 104_000, 93_600, 150_800],
      groups: ["G1000001", "G1000002"],
    },
    {
      code: "PPO-1000",
      name: "Acme Choice PPO 1000",
      type: "PPO",
      rates: [68_000, 136_000, 122_400, 197_200],
      groups: ["G1000001", "G1000002"],
    },
    {
      code: "EPO-750",
      name: "Acme Select EPO 750",
      type: "EPO",
      rates: [59_000, 118_000, 106_200, 171_100],
      groups: ["G1000001"],
    },
    {
      code: "HDHP-3000",
      name: "Acme Saver HDHP 3000",
      type: "HDHP",
      rates: [41_000, 82_000, 73_800, 118_900],
      groups: ["G1000001"],
    },
  ],
  // NPIs carry a valid check digit (Luhn with the 80840 prefix).
  providers: [
    {
      npi: "1003000126",
      first: "Maria",
      last: "Alvarez",
      specialty: "Family Medicine",
      city: "Detroit",
      state: "MI",
      zip: "48201",
      accepting: true,
    },
    {
      npi: "1003000134",
      first: "James",
      last: "Chen",
      specialty: "Internal Medicine",
      city: "Detroit",
      state: "MI",
      zip: "48202",
      accepting: true,
    },
    {
      npi: "1003000142",
      first: "Aisha",
      last: "Okafor",
      specialty: "Pediatrics",
      city: "Detroit",
      state: "MI",
      zip: "48201",
      accepting: true,
    },
    {
      npi: "1003000159",
      first: "Robert",
      last: "Kowalski",
      specialty: "Family Medicine",
      city: "Dearborn",
      state: "MI",
      zip: "48126",
      accepting: false,
    },
    {
      npi: "1003000167",
      first: "Linda",
      last: "Nguyen",
      specialty: "Internal Medicine",
      city: "Toledo",
      state: "OH",
      zip: "43604",
      accepting: true,
    },
    {
      npi: "1003000175",
      first: "David",
      last: "Schmidt",
      specialty: "Pediatrics",
      city: "Toledo",
      state: "OH",
      zip: "43606",
      accepting: true,
    },
    {
      npi: "1003000183",
      first: "Grace",
      last: "Patel",
      specialty: "Family Medicine",
      city: "Toledo",
      state: "OH",
      zip: "43604",
      accepting: false,
    },
    {
      npi: "1003000191",
      first: "Thomas",
      last: "Brennan",
      specialty: "Family Medicine",
      city: "Grand Rapids",
      state: "MI",
      zip: "49503",
      accepting: true,
    },
    {
      npi: "1003000209",
      first: "Sofia",
      last: "Rossi",
      specialty: "Pediatrics",
      city: "Grand Rapids",
      state: "MI",
      zip: "49503",
      accepting: true,
    },
    {
      npi: "1003000217",
      first: "Samuel",
      last: "Washington",
      specialty: "Internal Medicine",
      city: "Grand Rapids",
      state: "MI",
      zip: "49504",
      accepting: true,
    },
  ],
  primaryAdmin: { name: "Acme HR Administrator", email: "hr-admin@acme.example" },
} as const;

export const demoIds = {
  employer: seedId("emp", DEMO.employer.policyholderId),
  group: (number: string) => seedId("grp", number),
  subgroup: (group: string, code: string) => seedId("sgr", `${group}/${code}`),
  location: (code: string) => seedId("loc", `${DEMO.employer.policyholderId}/${code}`),
  plan: (code: string) => seedId("pln", `${DEMO.employer.policyholderId}/${code}`),
  provider: (npi: string) => seedId("prv", npi),
  primaryAdmin: seedId("usr", `${DEMO.employer.policyholderId}/primary`),
};

export async function seedDemo(ctx: PortalContext): Promise<void> {
  const now = ctx.clock.now().toISOString();
  const employerId = demoIds.employer;
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto("employers")
      .values({
        id: employerId,
        name: DEMO.employer.name,
        policyholder_id: DEMO.employer.policyholderId,
        created_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    for (const g of DEMO.groups) {
      await tx
        .insertInto("groups")
        .values({
          id: demoIds.group(g.number),
          employer_id: employerId,
          group_number: g.number,
          name: g.name,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      for (const s of g.subgroups) {
        await tx
          .insertInto("subgroups")
          .values({
            id: demoIds.subgroup(g.number, s.code),
            group_id: demoIds.group(g.number),
            code: s.code,
            name: s.name,
          })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    }
    for (const l of DEMO.locations) {
      await tx
        .insertInto("locations")
        .values({ id: demoIds.location(l.code), employer_id: employerId, ...l })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    for (const p of DEMO.plans) {
      const [ee, es, ec, ef] = p.rates;
      await tx
        .insertInto("plans")
        .values({
          id: demoIds.plan(p.code),
          employer_id: employerId,
          code: p.code,
          name: p.name,
          type: p.type,
          requires_pcp: p.type === "HMO" ? 1 : 0,
          rate_ee: ee,
          rate_es: es,
          rate_ec: ec,
          rate_ef: ef,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      for (const g of p.groups) {
        await tx
          .insertInto("plan_groups")
          .values({ plan_id: demoIds.plan(p.code), group_id: demoIds.group(g) })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    }
    for (const d of DEMO.providers) {
      await tx
        .insertInto("providers")
        .values({
          id: demoIds.provider(d.npi),
          npi: d.npi,
          first_name: d.first,
          last_name: d.last,
          specialty: d.specialty,
          city: d.city,
          state: d.state,
          zip: d.zip,
          accepting_new_patients: d.accepting ? 1 : 0,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      // Every demo provider is in the HMO's network (the plan that needs a PCP).
      await tx
        .insertInto("provider_plans")
        .values({ provider_id: demoIds.provider(d.npi), plan_id: demoIds.plan("HMO-500") })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await tx
      .insertInto("users")
      .values({
        id: demoIds.primaryAdmin,
        employer_id: employerId,
        role: "primary-admin",
        username: null,
        password_hash: null,
        name: DEMO.primaryAdmin.name,
        email: DEMO.primaryAdmin.email,
        phone: null,
        status: "pending",
        locked_until: null,
        created_by: null,
        created_at: now,
        registered_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await seedDemoMembers(
      tx,
      ctx.pii,
      { ...demoIds, policyholderId: DEMO.employer.policyholderId, employer: employerId },
      ctx.clock.now(),
    );
  });
  // The demo's one issued invoice: G1000001's for the latest billing cycle (its own transaction).
  await seedDemoInvoice(ctx, demoIds.group("G1000001"));
}

/** The primary administrator's ID while they have not registered yet (the portal prints a key for them). */
export async function pendingPrimaryAdmins(ctx: PortalContext): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom("users")
    .select("id")
    .where("role", "=", "primary-admin")
    .where("status", "=", "pending")
    .execute();
  return rows.map((r) => r.id);
}
