// Member search latency at 100,000 members (about 250,000 people), at the service level.
//
//   npm run build && node_modules/.bin/node bench/member-search.js [members]
//
// Seeds the demo employer into a temp database, bulk-inserts synthetic members with dependents in one
// transaction (SSNs encrypted and hashed by the portal's own vault, names keyed by its own function),
// then times searchMembers() by exact SSN, by member ID and by name prefix. It runs against dist/
// (the built portal), so build first.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import SQLite from "better-sqlite3";
import { FEATURES } from "../dist/contract/common.js";
import { createPortal } from "../dist/portal/server.js";
import { demoIds } from "../dist/portal/services/demo.js";
import { nameKey, rateFor, tierFor } from "../dist/portal/services/coverage.js";
import { searchMembers } from "../dist/portal/services/members.js";
import { seeded } from "./random.js";

const MEMBERS = Number(process.argv[2] ?? 100_000);
const QUERIES = 300;

// A small deterministic PRNG (mulberry32) so every run seeds the same data.
const { random, pick } = seeded(0x5eed);

const SYLLABLES = [
  "an",
  "ber",
  "car",
  "del",
  "en",
  "fal",
  "gor",
  "han",
  "is",
  "jo",
  "kel",
  "lan",
  "mor",
  "ness",
  "ol",
  "par",
  "quin",
  "ros",
  "son",
  "tan",
  "ul",
  "ver",
  "wil",
  "xan",
  "yor",
  "zel",
  "ton",
  "ley",
  "man",
  "field",
];
const LAST_NAMES = Array.from({ length: 3000 }, () => {
  const n = 2 + Math.floor(random() * 2);
  const name = Array.from({ length: n }, () => pick(SYLLABLES)).join("");
  return name[0].toUpperCase() + name.slice(1);
});
const FIRST_NAMES = [
  "James",
  "Mary",
  "Robert",
  "Patricia",
  "John",
  "Jennifer",
  "Michael",
  "Linda",
  "David",
  "Elizabeth",
  "William",
  "Barbara",
  "Richard",
  "Susan",
  "Joseph",
  "Jessica",
  "Thomas",
  "Sarah",
  "Charles",
  "Karen",
  "Ana",
  "Wei",
  "Olu",
  "Priya",
  "Mateo",
  "Sofia",
  "Noah",
  "Emma",
  "Liam",
  "Ava",
];

const dir = mkdtempSync(join(tmpdir(), "hnctl-bench-"));
const dbFile = join(dir, "portal.db");
try {
  const portal = await createPortal({ dbFile, version: "bench", demo: true, logger: false });
  const { ctx } = portal;
  const plans = await ctx.db.selectFrom("plans").selectAll().execute();
  const groups = [demoIds.group("G1000001"), demoIds.group("G1000002")];
  const subgroups = [demoIds.subgroup("G1000001", "SAL"), demoIds.subgroup("G1000001", "HRL")];
  const locations = ["DET", "TOL", "GRR"].map((c) => demoIds.location(c));
  const ppo = plans.find((p) => p.code === "PPO-1000");

  const started = performance.now();
  const sqlite = new SQLite(dbFile);
  sqlite.pragma("busy_timeout = 5000");
  const insertMember =
    sqlite.prepare(`INSERT INTO members (id, employer_id, group_id, subgroup_id, location_id, plan_id,
    plan_effective_date, status, tier, monthly_premium_cents, effective_date, termination_date, termination_reason,
    employee_number, hire_date, employment_status, sort_name, version, created_at, updated_at) VALUES (@id, @employer,
    @group, @subgroup, @location, @plan, '2026-01-01', @status, @tier, @premium, '2026-01-01', @termination, @reason,
    @number, '2020-01-01', 'full-time', @sort, 1, @now, @now)`);
  const insertPerson =
    sqlite.prepare(`INSERT INTO people (id, member_id, employer_id, relationship, first_name,
    middle_name, last_name, name_key, ssn_encrypted, ssn_hmac, ssn_last4, date_of_birth, sex, marital_status, disabled,
    email, phone, address, status, coverage_start, coverage_end, pcp_provider_id, cobra_id, created_at) VALUES (@id,
    @member, @employer, @relationship, @first, NULL, @last, @key, @enc, @hmac, @last4, @dob, 'U', NULL, 0, NULL, NULL,
    NULL, @status, '2026-01-01', @end, NULL, NULL, @now)`);
  const samples = { ssn: [], memberId: [], name: [] };
  let ssnSerial = 0;
  const nextSsn = () => {
    const n = ssnSerial++;
    // Valid SSA numbers: area 001–665, group 01–99, serial 0001–9999, unique per n.
    return `${String(1 + (Math.floor(n / 9999 / 99) % 665)).padStart(3, "0")}${String(1 + (Math.floor(n / 9999) % 99)).padStart(2, "0")}${String(1 + (n % 9999)).padStart(4, "0")}`;
  };
  const now = new Date().toISOString();
  let people = 0;
  sqlite.transaction(() => {
    for (let i = 0; i < MEMBERS; i++) {
      const id = `mbr_bench${String(i).padStart(8, "0")}`;
      const last = pick(LAST_NAMES);
      const relationships = ["subscriber"];
      if (random() < 0.55) relationships.push("spouse");
      const kids = random() < 0.45 ? 1 + Math.floor(random() * 3) : 0;
      for (let k = 0; k < kids; k++) relationships.push("child");
      const terminated = random() < 0.08;
      const tier = tierFor(relationships);
      const group = random() < 0.7 ? 0 : 1;
      insertMember.run({
        id,
        employer: demoIds.employer,
        group: groups[group],
        subgroup: group === 0 ? pick(subgroups) : null,
        location: pick(locations),
        plan: ppo.id,
        status: terminated ? "terminated" : "active",
        tier: terminated ? null : tier,
        premium: terminated ? 0 : rateFor(ppo, tier),
        termination: terminated ? "2026-06-30" : null,
        reason: terminated ? "voluntary" : null,
        number: `B${i}`,
        sort: nameKey(last, "x"),
        now,
      });
      relationships.forEach((relationship, j) => {
        const first = pick(FIRST_NAMES);
        const ssn = nextSsn();
        insertPerson.run({
          id: `per_bench${String(i).padStart(8, "0")}${j}`,
          member: id,
          employer: demoIds.employer,
          relationship,
          first,
          last,
          key: nameKey(last, first),
          enc: ctx.pii.encrypt(ssn),
          hmac: ctx.pii.lookupHash(ssn),
          last4: ssn.slice(-4),
          dob: relationship === "child" ? "2015-05-05" : "1980-05-05",
          status: terminated ? "terminated" : "active",
          end: terminated ? "2026-06-30" : null,
          now,
        });
        people++;
        if (random() < 0.002) samples.ssn.push(ssn);
      });
      if (random() < 0.004) samples.memberId.push(id);
      if (random() < 0.004) samples.name.push(last.slice(0, 3));
    }
  })();
  const seededMs = performance.now() - started;
  const countPrefix = sqlite.prepare("SELECT count(*) AS n FROM people WHERE name_key >= ? AND name_key < ?");
  const matched = samples.name.map((n) => {
    const prefix = n.toLowerCase();
    return countPrefix.get(prefix, `${prefix}\uffff`).n;
  });
  const averageMatches = Math.round(matched.reduce((a, b) => a + b, 0) / matched.length);
  sqlite.close();

  const principal = {
    userId: demoIds.primaryAdmin,
    employerId: demoIds.employer,
    role: "primary-admin",
    features: new Set(FEATURES),
    scope: { employerWide: true, groupIds: new Set(), locationIds: new Set() },
    credential: { kind: "session", familyId: "fam_bench", expiresAt: "2099-01-01T00:00:00.000Z" },
  };
  async function measure(label, values, toFilters, check) {
    const times = [];
    for (let i = 0; i < QUERIES; i++) {
      const value = values[i % values.length];
      const t0 = performance.now();
      const result = await searchMembers(ctx, principal, { limit: 50, ...toFilters(value) });
      times.push(performance.now() - t0);
      check(result);
    }
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    return {
      search: label,
      queries: times.length,
      medianMs: +at(0.5).toFixed(3),
      p95Ms: +at(0.95).toFixed(3),
      maxMs: +times.at(-1).toFixed(3),
    };
  }
  const one = (r) => {
    if (r.members.length !== 1) throw new Error(`expected one match, got ${r.members.length}`);
  };
  const some = (r) => {
    if (r.members.length === 0) throw new Error("expected matches");
  };
  // Warm-up: the first queries pay for statement preparation and page cache.
  await measure("warm-up", samples.ssn, (ssn) => ({ ssn }), one);
  const rows = [
    await measure("exact SSN", samples.ssn, (ssn) => ({ ssn }), one),
    await measure("member ID", samples.memberId, (memberId) => ({ memberId }), one),
    await measure("name prefix (3 letters, first page of 50)", samples.name, (name) => ({ name }), some),
    await measure(
      "name prefix + status + group",
      samples.name,
      (name) => ({ name, status: "active", groupNumber: "G1000001" }),
      () => {},
    ),
  ];
  console.log(
    `seeded ${MEMBERS.toLocaleString("en-US")} members / ${people.toLocaleString("en-US")} people in ${(seededMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `name prefixes match ${averageMatches.toLocaleString("en-US")} people on average (${((averageMatches / people) * 100).toFixed(1)}%; ` +
      "real surnames cluster less: 'smi' is about 1%)",
  );
  console.table(rows);
  await portal.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
