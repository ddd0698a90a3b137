/**
 * The authorization matrix: every route × actor × object relationship, against the real app (Fastify
 * inject) on a real database. Each cell states the status the caller must get. Every refusal must
 * leave the database exactly as it was. A second test fails when a route exists that this table
 * does not name, so every new route must be added here.
 *
 * Actors (employer "Acme", the demo):
 *   P  primary administrator              S  secondary administrator
 *   G  group administrator of G1000001 (enrollment.view, enrollment.edit, billing.view, users.manage)
 *   D  delegate at location DET (enrollment.view, billing.view)
 *   T  API token of the primary administrator with only enrollment.view
 *   X  a disabled user (its token was valid before it was disabled)
 *   A  anonymous
 * Relationships of the object named in the request:
 *   own    in the caller's scope (group G1000001 / location DET)
 *   group  another group of the same employer (G1000002 / location TOL)
 *   other  another employer
 *   self   the caller's own account (routes that take `me`)
 *   -      the route names no object
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes, type RouteName } from "../../src/contract/routes.js";
import { hashPassword } from "../../src/portal/services/passwords.js";
import { createApiToken } from "../../src/portal/services/auth.js";
import { demoIds } from "../../src/portal/services/demo.js";
import { seedId } from "../../src/portal/ids.js";
import { cycleOnOrBefore, issueInvoice } from "../../src/portal/services/billing.js";
import { todayOf } from "../../src/portal/services/dates.js";
import { TEST_PASSWORD, testPortal, type TestPortal } from "../helpers/portal.js";
import { address, pinClock } from "../helpers/enrollment.js";

const ACTORS = ["P", "S", "G", "D", "T", "X", "A"] as const;
type Actor = (typeof ACTORS)[number];
type Rel = "own" | "group" | "other" | "self" | "-";

interface Request {
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  headers?: Record<string, string>;
}
interface Cell {
  /** Builds the request for this actor (creating fresh objects where a success would change them). */
  request: (f: Fixture, actor: Actor) => Promise<Request> | Request;
  /** Expected statuses in actor order P S G D T X A. */
  expect: string;
  /**
   * Batch routes answer 200 with a result per operation: the status that counts is then the first
   * operation's (the same 403/404/422 the single-member route would answer).
   */
  perOperation?: boolean;
}

/**
 * Member routes share one shape: a fresh member per cell (so a success never spoils the next cell) in
 * the callers' scope (G1000001 at DET), in another group (G1000002 at TOL), or of another employer.
 * `view` needs enrollment.view (the API token has it), `edit` enrollment.edit (the group admin has it),
 * `cancel` enrollment.cancel (only the administrators have it).
 */
function memberCells(
  build: (m: FreshMember) => { personId?: string; body?: unknown },
  need: "view" | "edit" | "cancel",
  ok = "200",
  state: "active" | "cancelled" = "active",
): Partial<Record<Rel, Cell>> {
  const expect = {
    view: {
      own: `${ok} ${ok} ${ok} ${ok} ${ok} 401 401`,
      group: `${ok} ${ok} 404 404 ${ok} 401 401`,
      other: "404 404 404 404 404 401 401",
    },
    edit: {
      own: `${ok} ${ok} ${ok} 403 403 401 401`,
      group: `${ok} ${ok} 404 403 403 401 401`,
      other: "404 404 404 403 403 401 401",
    },
    cancel: {
      own: `${ok} ${ok} 403 403 403 401 401`,
      group: `${ok} ${ok} 403 403 403 401 401`,
      other: "404 404 403 403 403 401 401",
    },
  }[need];
  const cell = (where: "own" | "group" | "other"): Cell => ({
    request: async (fx) => {
      const m = await fx.newMember(where, state);
      const { personId, body } = build(m);
      return { params: { memberId: m.id, ...(personId ? { personId } : {}) }, body };
    },
    expect: expect[where],
  });
  return { own: cell("own"), group: cell("group"), other: cell("other") };
}

/**
 * Invoice routes: the invoice of the callers' group (G1000001), of another group (G1000002), or of another
 * employer. `view` needs billing.view (G and D hold it; D is scoped to a location only, and invoices belong to
 * groups, so D sees none), `edit` enrollment.edit, `cancel` enrollment.cancel, `manage` billing.manage (only
 * the administrators). With `fresh`, each cell gets a new member in that group (a success changes it).
 */
function invoiceCells(
  build: (m: FreshMember | undefined, where: "own" | "group" | "other") => { body?: unknown },
  need: "view" | "edit" | "cancel" | "manage",
  fresh = false,
  ok = "200",
): Partial<Record<Rel, Cell>> {
  const expect = {
    view: {
      own: `${ok} ${ok} ${ok} 404 403 401 401`,
      group: `${ok} ${ok} 404 404 403 401 401`,
      other: "404 404 404 404 403 401 401",
    },
    edit: {
      own: `${ok} ${ok} ${ok} 403 403 401 401`,
      group: `${ok} ${ok} 404 403 403 401 401`,
      other: "404 404 404 403 403 401 401",
    },
    cancel: {
      own: `${ok} ${ok} 403 403 403 401 401`,
      group: `${ok} ${ok} 403 403 403 401 401`,
      other: "404 404 403 403 403 401 401",
    },
    manage: {
      own: `${ok} ${ok} 403 403 403 401 401`,
      group: `${ok} ${ok} 403 403 403 401 401`,
      other: "404 404 403 403 403 401 401",
    },
  }[need];
  const cell = (where: "own" | "group" | "other"): Cell => ({
    request: async (fx) => {
      const m = fresh ? await fx.newMember(where, "active") : undefined;
      return { params: { invoiceId: fx.invoices[where] }, ...build(m, where) };
    },
    expect: expect[where],
  });
  return { own: cell("own"), group: cell("group"), other: cell("other") };
}

/**
 * Payment routes on objects of the callers' group (G1000001), another group (G1000002) or another employer.
 * `view` needs billing.view (G holds it; D is scoped to a location and sees no group's payments), `pay`
 * billing.pay and `manage` billing.manage (only the administrators hold those).
 */
function paymentCells(
  build: (fx: Fixture, where: "own" | "group" | "other") => Promise<Request> | Request,
  need: "view" | "pay" | "manage",
  ok = "200",
): Partial<Record<Rel, Cell>> {
  const expect =
    need === "view"
      ? {
          own: `${ok} ${ok} ${ok} 404 403 401 401`,
          group: `${ok} ${ok} 404 404 403 401 401`,
          other: "404 404 404 404 403 401 401",
        }
      : {
          own: `${ok} ${ok} 403 403 403 401 401`,
          group: `${ok} ${ok} 403 403 403 401 401`,
          other: "404 404 403 403 403 401 401",
        };
  const cell = (where: "own" | "group" | "other"): Cell => ({
    request: (fx) => build(fx, where),
    expect: expect[where],
  });
  return { own: cell("own"), group: cell("group"), other: cell("other") };
}

const GROUP_OF = { own: "G1000001", group: "G1000002", other: "G2000001" } as const;
const payBody = (fx: Fixture, where: "own" | "group" | "other") => ({
  body: {
    invoiceId: fx.invoices[where],
    allocations: [{ method: fx.methods[where], amountCents: 1 }],
  },
  headers: { "idempotency-key": fx.unique("matrix-key") },
});

// ---------------------------------------------------------------- the table
const matrix: Record<RouteName, Partial<Record<Rel, Cell>>> = {
  health: { "-": { request: () => ({}), expect: "200 200 200 200 200 200 200" } },
  register: {
    "-": {
      request: () => ({
        body: {
          groupNumber: "G1000001",
          policyholderId: "1234",
          key: "ZZZZ-ZZZZ-ZZZZ-ZZZZ",
          username: "nobody-here",
          password: TEST_PASSWORD,
        },
      }),
      expect: "422 422 422 422 422 422 422",
    },
  },
  login: {
    "-": {
      request: () => ({ body: { username: "matrix-login", password: TEST_PASSWORD } }),
      expect: "200 200 200 200 200 200 200",
    },
  },
  refresh: {
    "-": {
      request: () => ({ body: { refreshToken: "hnr_not-a-real-token" } }),
      expect: "401 401 401 401 401 401 401",
    },
  },
  logout: {
    "-": {
      request: () => ({ body: { refreshToken: "hnr_not-a-real-token" } }),
      expect: "200 200 200 200 200 200 200",
    },
  },
  whoami: { self: { request: () => ({}), expect: "200 200 200 200 200 401 401" } },

  userList: { "-": { request: () => ({}), expect: "200 200 200 403 403 401 401" } },
  userCreate: {
    own: {
      request: (f) => ({ body: f.newDelegateBody(["G1000001"]) }),
      expect: "201 201 201 403 403 401 401",
    },
    group: {
      request: (f) => ({ body: f.newDelegateBody(["G1000002"]) }),
      expect: "201 201 403 403 403 401 401",
    },
    other: {
      request: (f) => ({ body: f.newDelegateBody(["G2000001"]) }),
      expect: "422 422 422 403 403 401 401",
    },
  },
  userShow: {
    self: { request: () => ({ params: { userId: "me" } }), expect: "200 200 200 200 200 401 401" },
    own: { request: (f) => ({ params: { userId: f.delegateInA } }), expect: "200 200 200 404 404 401 401" },
    group: { request: (f) => ({ params: { userId: f.delegateInB } }), expect: "200 200 404 404 404 401 401" },
    other: {
      request: (f) => ({ params: { userId: f.otherEmployerUser } }),
      expect: "404 404 404 404 404 401 401",
    },
  },
  userUpdate: {
    self: {
      request: () => ({ params: { userId: "me" }, body: { phone: "+1 313 555 0100" } }),
      expect: "200 200 200 200 200 401 401",
    },
    own: {
      request: (f) => ({ params: { userId: f.delegateInA }, body: { name: "Renamed" } }),
      expect: "200 200 200 404 404 401 401",
    },
    group: {
      request: (f) => ({ params: { userId: f.delegateInB }, body: { name: "Renamed" } }),
      expect: "200 200 404 404 404 401 401",
    },
    other: {
      request: (f) => ({ params: { userId: f.otherEmployerUser }, body: { name: "Renamed" } }),
      expect: "404 404 404 404 404 401 401",
    },
  },
  userDisable: {
    self: { request: () => ({ params: { userId: "me" } }), expect: "403 403 403 403 403 401 401" },
    own: {
      request: async (f) => ({ params: { userId: await f.newUser("delegate", ["G1000001"]) } }),
      expect: "200 200 200 403 403 401 401",
    },
    group: {
      request: async (f) => ({ params: { userId: await f.newUser("delegate", ["G1000002"]) } }),
      expect: "200 200 404 403 403 401 401",
    },
    other: {
      request: (f) => ({ params: { userId: f.otherEmployerUser } }),
      expect: "404 404 404 403 403 401 401",
    },
  },
  userEnable: {
    own: {
      request: async (f) => ({ params: { userId: await f.newUser("delegate", ["G1000001"], "disabled") } }),
      expect: "200 200 200 403 403 401 401",
    },
    group: {
      request: async (f) => ({ params: { userId: await f.newUser("delegate", ["G1000002"], "disabled") } }),
      expect: "200 200 404 403 403 401 401",
    },
    other: {
      request: (f) => ({ params: { userId: f.otherEmployerUser } }),
      expect: "404 404 404 403 403 401 401",
    },
  },
  userReissueKey: {
    own: {
      request: async (f) => ({ params: { userId: await f.newUser("delegate", ["G1000001"], "pending") } }),
      expect: "200 200 200 403 403 401 401",
    },
    group: {
      request: async (f) => ({ params: { userId: await f.newUser("delegate", ["G1000002"], "pending") } }),
      expect: "200 200 404 403 403 401 401",
    },
    other: {
      request: (f) => ({ params: { userId: f.otherEmployerUser } }),
      expect: "404 404 404 403 403 401 401",
    },
  },
  notificationsShow: {
    self: { request: () => ({ params: { userId: "me" } }), expect: "200 200 200 200 200 401 401" },
    own: { request: (f) => ({ params: { userId: f.delegateInA } }), expect: "200 200 200 404 404 401 401" },
    group: { request: (f) => ({ params: { userId: f.delegateInB } }), expect: "200 200 404 404 404 401 401" },
    other: {
      request: (f) => ({ params: { userId: f.otherEmployerUser } }),
      expect: "404 404 404 404 404 401 401",
    },
  },
  notificationsUpdate: {
    self: {
      request: () => ({ params: { userId: "me" }, body: { reportReady: false } }),
      expect: "200 200 200 200 200 401 401",
    },
    own: {
      request: (f) => ({ params: { userId: f.delegateInA }, body: { reportReady: false } }),
      expect: "200 200 200 404 404 401 401",
    },
    group: {
      request: (f) => ({ params: { userId: f.delegateInB }, body: { reportReady: false } }),
      expect: "200 200 404 404 404 401 401",
    },
    other: {
      request: (f) => ({ params: { userId: f.otherEmployerUser }, body: { reportReady: false } }),
      expect: "404 404 404 404 404 401 401",
    },
  },
  tokenCreate: {
    self: {
      request: (f) => ({ body: { name: f.unique("token"), features: ["enrollment.view"] } }),
      expect: "201 201 201 201 403 401 401",
    },
  },
  tokenList: { self: { request: () => ({}), expect: "200 200 200 200 200 401 401" } },
  tokenRevoke: {
    // (anonymous has no tokens: it is shown the primary's)
    self: {
      request: async (f, actor) => ({
        params: { tokenId: await f.newTokenFor(actor === "A" ? "P" : actor) },
      }),
      expect: "200 200 200 200 200 401 401",
    },
    own: {
      request: async (f) => ({ params: { tokenId: await f.newTokenFor("D") } }),
      expect: "404 404 404 200 404 401 401",
    },
    other: {
      request: async (f) => ({ params: { tokenId: await f.newTokenFor("other") } }),
      expect: "404 404 404 404 404 401 401",
    },
  },
  auditList: { "-": { request: () => ({ query: "limit=5" }), expect: "200 200 403 403 403 401 401" } },

  planList: { "-": { request: () => ({}), expect: "200 200 200 200 200 401 401" } },
  providerSearch: { "-": { request: () => ({ query: "zip=482" }), expect: "200 200 200 200 200 401 401" } },
  groupList: { "-": { request: () => ({}), expect: "200 200 200 200 200 401 401" } },
  locationList: { "-": { request: () => ({}), expect: "200 200 200 200 200 401 401" } },
  memberEnroll: {
    own: { request: (f) => ({ body: f.enrollBody("own") }), expect: "201 201 201 403 403 401 401" },
    group: { request: (f) => ({ body: f.enrollBody("group") }), expect: "201 201 404 403 403 401 401" },
    other: { request: (f) => ({ body: f.enrollBody("other") }), expect: "422 422 422 403 403 401 401" },
  },
  memberSearch: {
    "-": { request: () => ({ body: {} }), expect: "200 200 200 200 200 401 401" },
    own: { request: (f) => ({ body: { memberId: f.members.own } }), expect: "200 200 200 200 200 401 401" },
  },
  memberGet: memberCells(() => ({}), "view"),
  memberHistory: memberCells(() => ({}), "view"),
  memberUpdate: memberCells((m) => ({ body: { version: m.version, phone: "313-555-0142" } }), "edit"),
  memberPlanChange: memberCells(() => ({ body: { plan: "PPO-1000", effectiveDate: "2027-01-01" } }), "edit"),
  memberPcpChange: memberCells(() => ({ body: { provider: "1003000134" } }), "edit"),
  dependentAdd: memberCells(
    () => ({ body: { dependent: f.childInput(), effectiveDate: "2027-01-01" } }),
    "edit",
    "201",
  ),
  dependentUpdate: memberCells(
    (m) => ({ personId: m.childId, body: { version: m.version, firstName: "Renamed" } }),
    "edit",
  ),
  dependentRemove: memberCells(
    (m) => ({ personId: m.childId, body: { coverageEndDate: "2026-12-31" } }),
    "edit",
  ),
  memberCancelPreview: memberCells(
    () => ({ body: { terminationDate: "2026-12-31", reason: "voluntary" } }),
    "cancel",
  ),
  memberCancel: memberCells(
    () => ({ body: { terminationDate: "2026-12-31", reason: "voluntary" } }),
    "cancel",
  ),
  memberReinstate: memberCells(() => ({ body: {} }), "cancel", "200", "cancelled"),
  memberCobra: memberCells(
    () => ({ body: { event: "termination-of-employment", eventDate: "2026-12-20" } }),
    "edit",
    "200",
    "cancelled",
  ),
  memberRevealSsn: memberCells(() => ({}), "edit"),
  memberExport: {
    "-": { request: () => ({ body: { limit: 5 } }), expect: "200 200 200 200 200 401 401" },
  },
  importPlan: {
    own: {
      request: (f) => ({ body: { operations: [importAdd(f.enrollBody("own"))] } }),
      expect: "200 200 200 403 403 401 401",
      perOperation: true,
    },
    group: {
      request: (f) => ({ body: { operations: [importAdd(f.enrollBody("group"))] } }),
      expect: "200 200 404 403 403 401 401",
      perOperation: true,
    },
    other: {
      request: (f) => ({ body: { operations: [importAdd(f.enrollBody("other"))] } }),
      expect: "422 422 422 403 403 401 401",
      perOperation: true,
    },
  },
  importJobCreate: {
    "-": {
      request: () => ({
        body: { fileName: "r.csv", fileSha256: "b".repeat(64), totalRows: 2, totalOperations: 1 },
      }),
      expect: "201 201 201 403 403 401 401",
    },
  },
  importJobGet: {
    self: {
      request: async (f, a) => ({ params: { jobId: await f.newJob(a) } }),
      expect: "200 200 200 403 403 401 401",
    },
    own: {
      request: async (f) => ({ params: { jobId: await f.newJob("P") } }),
      expect: "200 200 404 403 403 401 401",
    },
  },
  importJobRows: {
    self: {
      request: async (f, a) => ({ params: { jobId: await f.newJob(a) } }),
      expect: "200 200 200 403 403 401 401",
    },
    own: {
      request: async (f) => ({ params: { jobId: await f.newJob("P") } }),
      expect: "200 200 404 403 403 401 401",
    },
  },
  importBatch: Object.fromEntries(
    (["own", "group", "other"] as const).map((where) => [
      where,
      {
        request: async (f: Fixture, actor: Actor) => {
          const m = await f.newMember(where, "active");
          return {
            params: { jobId: await f.newJob(actor) },
            body: {
              idempotencyKey: `matrix-key-${f.unique("k")}-0000000`,
              operations: [
                {
                  ref: 2,
                  action: "change",
                  employeeNumber: m.employeeNumber,
                  subscriber: { line: 2, phone: "313-555-0199" },
                },
              ],
            },
          };
        },
        expect: {
          own: "200 200 200 403 403 401 401",
          group: "200 200 404 403 403 401 401",
          other: "404 404 404 403 403 401 401",
        }[where],
        perOperation: true,
      },
    ]),
  ),

  invoiceList: {
    "-": { request: () => ({}), expect: "200 200 200 200 403 401 401" },
    own: { request: () => ({ query: "group=G1000001" }), expect: "200 200 200 404 403 401 401" },
    group: { request: () => ({ query: "group=G1000002" }), expect: "200 200 404 404 403 401 401" },
  },
  invoiceCurrent: {
    own: { request: () => ({ query: "group=G1000001" }), expect: "200 200 200 404 403 401 401" },
    group: { request: () => ({ query: "group=G1000002" }), expect: "200 200 404 404 403 401 401" },
    other: { request: () => ({ query: "group=G2000001" }), expect: "404 404 404 404 403 401 401" },
  },
  invoiceGet: invoiceCells(() => ({}), "view"),
  invoiceLines: invoiceCells(() => ({}), "view"),
  invoiceAdjustTerminate: invoiceCells(
    (m) => ({ body: { memberId: m!.id, terminationDate: "2026-12-31", reason: "voluntary" } }),
    "cancel",
    true,
  ),
  invoiceAdjustAdd: invoiceCells((_m, where) => ({ body: { enrollment: f.enrollBody(where) } }), "edit"),
  amountDueRequest: invoiceCells(
    (m) => ({ body: { amountCents: 1, reason: "matrix", memberId: m!.id } }),
    "manage",
    true,
    "202",
  ),
  billingPreferencesShow: {
    own: { request: () => ({ params: { groupNumber: "G1000001" } }), expect: "200 200 200 404 403 401 401" },
    group: {
      request: () => ({ params: { groupNumber: "G1000002" } }),
      expect: "200 200 404 404 403 401 401",
    },
    other: {
      request: () => ({ params: { groupNumber: "G2000001" } }),
      expect: "404 404 404 404 403 401 401",
    },
  },
  billingPreferencesUpdate: {
    own: {
      request: () => ({ params: { groupNumber: "G1000001" }, body: { paperBilling: true } }),
      expect: "200 200 403 403 403 401 401",
    },
    group: {
      request: () => ({ params: { groupNumber: "G1000002" }, body: { paperBilling: true } }),
      expect: "200 200 403 403 403 401 401",
    },
    other: {
      request: () => ({ params: { groupNumber: "G2000001" }, body: { paperBilling: true } }),
      expect: "404 404 403 403 403 401 401",
    },
  },

  paymentMethodList: {
    "-": { request: () => ({}), expect: "200 200 200 200 403 401 401" },
    ...paymentCells((_fx, where) => ({ query: `group=${GROUP_OF[where]}` }), "view"),
  },
  paymentMethodCreate: paymentCells(
    (fx, where) => ({
      body: {
        group: GROUP_OF[where],
        nickname: fx.unique("acct"),
        routingNumber: "011000015",
        accountNumber: String(10_000_000 + Number(fx.unique("n").slice(2))),
        type: "checking",
      },
    }),
    "manage",
    "201",
  ),
  paymentMethodUpdate: paymentCells(
    async (fx, where) => ({
      params: { methodId: await fx.newMethod(where) },
      body: { nickname: fx.unique("renamed") },
    }),
    "manage",
  ),
  paymentMethodRemove: paymentCells(
    async (fx, where) => ({ params: { methodId: await fx.newMethod(where) } }),
    "manage",
  ),
  paymentCreate: paymentCells(payBody, "pay", "201"),
  paymentList: {
    "-": { request: () => ({}), expect: "200 200 200 200 403 401 401" },
    ...paymentCells((_fx, where) => ({ query: `group=${GROUP_OF[where]}` }), "view"),
  },
  paymentGet: paymentCells((fx, where) => ({ params: { paymentId: fx.payments[where] } }), "view"),
  paymentCancel: paymentCells(
    async (fx, where) => ({ params: { paymentId: await fx.newPayment(where) } }),
    "pay",
  ),
  scheduleList: {
    "-": { request: () => ({}), expect: "200 200 200 200 403 401 401" },
    ...paymentCells((_fx, where) => ({ query: `group=${GROUP_OF[where]}` }), "view"),
  },
  scheduleCreate: paymentCells(
    (fx, where) => ({
      body: { group: GROUP_OF[where], dayOfMonth: 5, allocations: [{ method: fx.methods[where] }] },
      headers: { "idempotency-key": fx.unique("matrix-key") },
    }),
    "manage",
    "201",
  ),
  scheduleUpdate: paymentCells(
    async (fx, where) => ({ params: { scheduleId: await fx.newSchedule(where) }, body: { dayOfMonth: 9 } }),
    "manage",
  ),
  schedulePause: paymentCells(
    async (fx, where) => ({ params: { scheduleId: await fx.newSchedule(where) } }),
    "manage",
  ),
  scheduleResume: paymentCells(
    async (fx, where) => ({ params: { scheduleId: await fx.newSchedule(where, true) } }),
    "manage",
  ),
  scheduleCancel: paymentCells(
    async (fx, where) => ({ params: { scheduleId: await fx.newSchedule(where) } }),
    "manage",
  ),
  // Reports need reports.run (only the administrators hold it here); a report or recurring definition is
  // its owner's alone: another administrator gets 404.
  reportTypes: { "-": { request: () => ({}), expect: "200 200 403 403 403 401 401" } },
  reportRequest: {
    "-": { request: () => ({ body: { type: "enrollment-roster" } }), expect: "202 202 403 403 403 401 401" },
  },
  reportList: { "-": { request: () => ({}), expect: "200 200 403 403 403 401 401" } },
  reportGet: {
    self: {
      request: async () => ({ params: { reportId: await primaryReport() } }),
      expect: "200 404 403 403 403 401 401",
    },
    other: {
      request: async () => ({ params: { reportId: await otherReport() } }),
      expect: "404 404 403 403 403 401 401",
    },
  },
  reportDownload: {
    self: {
      request: async () => ({ params: { reportId: await primaryReport() } }),
      expect: "200 404 403 403 403 401 401",
    },
    other: {
      request: async () => ({ params: { reportId: await otherReport() } }),
      expect: "404 404 403 403 403 401 401",
    },
  },
  reportScheduleCreate: {
    "-": {
      request: (fx) => ({
        body: {
          name: fx.unique("matrix"),
          type: "cobra-roster",
          frequency: "weekly",
          weekday: "monday",
          period: "as-of-run-date",
        },
      }),
      expect: "201 201 403 403 403 401 401",
    },
  },
  reportScheduleList: { "-": { request: () => ({}), expect: "200 200 403 403 403 401 401" } },
  reportScheduleUpdate: {
    self: {
      request: async (fx) => ({
        params: { schedule: await primarySchedule(fx) },
        body: { weekday: "friday" },
      }),
      expect: "200 404 403 403 403 401 401",
    },
  },
  reportScheduleDelete: {
    self: {
      request: async (fx) => ({ params: { schedule: await primarySchedule(fx) } }),
      expect: "200 404 403 403 403 401 401",
    },
  },

  outbox: { "-": { request: () => ({ query: "last=true" }), expect: "200 200 200 200 200 200 200" } },
  clockShow: { "-": { request: () => ({}), expect: "200 200 200 200 200 200 200" } },
  clockAdvance: { "-": { request: () => ({ body: { by: "1m" } }), expect: "200 200 200 200 200 200 200" } },
};

/** An enrollment body as an import operation (action add). */
function importAdd(body: Record<string, unknown>) {
  const { subscriber, dependents, ...rest } = body as {
    subscriber: Record<string, unknown>;
    dependents: Record<string, unknown>[];
  };
  return {
    ref: 2,
    action: "add",
    ...rest,
    subscriber: { line: 2, ...subscriber },
    dependents: dependents.map((d, i) => ({ line: 3 + i, ...d })),
  };
}

// ---------------------------------------------------------------- fixtures
interface Fixture {
  tokens: Record<Actor, string | undefined>;
  userIds: Record<Actor | "other", string>;
  delegateInA: string;
  delegateInB: string;
  otherEmployerUser: string;
  unique(prefix: string): string;
  newDelegateBody(groups: string[]): Record<string, unknown>;
  newUser(
    role: "delegate" | "group-admin",
    groups: string[],
    status?: "active" | "pending" | "disabled",
  ): Promise<string>;
  newTokenFor(owner: Actor | "other"): Promise<string>;
  members: { own: string };
  invoices: Record<"own" | "group" | "other", string>;
  enrollBody(where: "own" | "group" | "other"): Record<string, unknown>;
  childInput(): Record<string, unknown>;
  newMember(where: "own" | "group" | "other", state: "active" | "cancelled"): Promise<FreshMember>;
  /** An import job created by the actor (the primary's for actors who cannot create one). */
  newJob(actor: Actor): Promise<string>;
  /** A nickname on file in each place, a payment made in each, and fresh ones for cells that change them. */
  methods: Record<"own" | "group" | "other", string>;
  payments: Record<"own" | "group" | "other", string>;
  newMethod(where: "own" | "group" | "other"): Promise<string>;
  newPayment(where: "own" | "group" | "other"): Promise<string>;
  newSchedule(where: "own" | "group" | "other", paused?: boolean): Promise<string>;
}
interface FreshMember {
  id: string;
  employeeNumber: string;
  version: number;
  childId: string;
}

let portal: TestPortal;
let f: Fixture;
const OTHER_EMPLOYER = seedId("emp", "other-employer");

async function insertUser(
  employerId: string,
  role: "primary-admin" | "secondary-admin" | "group-admin" | "delegate",
  opts: {
    username?: string;
    features?: string[];
    groupIds?: string[];
    locationIds?: string[];
    status?: "active" | "pending" | "disabled";
  } = {},
): Promise<string> {
  const id = `usr_matrix_${Math.random().toString(36).slice(2, 12)}`;
  const db = portal.ctx.db;
  await db
    .insertInto("users")
    .values({
      id,
      employer_id: employerId,
      role,
      username: opts.username ?? null,
      password_hash: opts.username ? await hashPassword(TEST_PASSWORD) : null,
      name: `Matrix ${role}`,
      email: `${id}@matrix.example`,
      phone: null,
      status: opts.status ?? (opts.username ? "active" : "pending"),
      locked_until: null,
      created_by: null,
      created_at: new Date().toISOString(),
      registered_at: opts.username ? new Date().toISOString() : null,
    })
    .execute();
  for (const feature of opts.features ?? [])
    await db.insertInto("user_features").values({ user_id: id, feature }).execute();
  for (const group_id of opts.groupIds ?? [])
    await db.insertInto("user_scopes").values({ user_id: id, group_id, location_id: null }).execute();
  for (const location_id of opts.locationIds ?? [])
    await db.insertInto("user_scopes").values({ user_id: id, group_id: null, location_id }).execute();
  return id;
}

async function login(username: string): Promise<string> {
  const res = await portal.call("POST", "/v1/auth/login", { body: { username, password: TEST_PASSWORD } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.accessToken;
}

beforeAll(async () => {
  portal = await testPortal();
  pinClock(portal); // enrollment dates below are relative to 2026-11-15
  const db = portal.ctx.db;
  const acme = demoIds.employer;
  const gA = demoIds.group("G1000001");
  const gB = demoIds.group("G1000002");
  // A second employer, to prove nothing crosses employers.
  await db
    .insertInto("employers")
    .values({
      id: OTHER_EMPLOYER,
      name: "Other Corp",
      policyholder_id: "000009999",
      created_at: new Date().toISOString(),
    })
    .execute();
  await db
    .insertInto("groups")
    .values({
      id: seedId("grp", "G2000001"),
      employer_id: OTHER_EMPLOYER,
      group_number: "G2000001",
      name: "Other Corp",
    })
    .execute();
  const otherPrimary = await insertUser(OTHER_EMPLOYER, "primary-admin", { username: "other-primary" });
  await db
    .insertInto("locations")
    .values({
      id: seedId("loc", "OTH"),
      employer_id: OTHER_EMPLOYER,
      code: "OTH",
      name: "Other site",
      city: "Austin",
      state: "TX",
    })
    .execute();
  await db
    .insertInto("plans")
    .values({
      id: seedId("pln", "PPO-X"),
      employer_id: OTHER_EMPLOYER,
      code: "PPO-X",
      name: "Other PPO",
      type: "PPO",
      requires_pcp: 0,
      rate_ee: 50_000,
      rate_es: 100_000,
      rate_ec: 90_000,
      rate_ef: 140_000,
    })
    .execute();
  await db
    .insertInto("plan_groups")
    .values({ plan_id: seedId("pln", "PPO-X"), group_id: seedId("grp", "G2000001") })
    .execute();
  const otherToken = await login("other-primary");

  const { accessToken: primaryToken } = await portal.registerPrimary("matrix-primary");
  const secondary = await insertUser(acme, "secondary-admin", { username: "matrix-secondary" });
  const groupAdmin = await insertUser(acme, "group-admin", {
    username: "matrix-group-admin",
    features: ["enrollment.view", "enrollment.edit", "billing.view", "users.manage"],
    groupIds: [gA],
  });
  const delegate = await insertUser(acme, "delegate", {
    username: "matrix-delegate",
    features: ["enrollment.view", "billing.view"],
    locationIds: [demoIds.location("DET")],
  });
  const disabled = await insertUser(acme, "delegate", {
    username: "matrix-disabled",
    features: ["enrollment.view"],
    groupIds: [gA],
  });
  await insertUser(acme, "delegate", {
    username: "matrix-login",
    features: ["enrollment.view"],
    groupIds: [gA],
  });
  const disabledToken = await login("matrix-disabled");
  await db.updateTable("users").set({ status: "disabled" }).where("id", "=", disabled).execute();
  const primaryId = (await portal.call("GET", "/v1/me", { token: primaryToken })).body.user.id as string;
  const apiToken = await createApiToken(portal.ctx, primaryId, {
    name: "matrix",
    features: ["enrollment.view"],
    expiresAt: new Date(Date.now() + 86_400_000),
  });

  let counter = 0;
  // Unique, valid SSNs (area 100-599, group 10-98, serial from 1000) so fresh members never collide.
  const ssn = () => {
    const n = ++counter;
    return `${100 + (n % 500)}-${10 + (n % 89)}-${String(1000 + n).padStart(4, "0")}`;
  };
  const person = (first: string, dob: string, pcp: string) => ({
    firstName: first,
    lastName: `Matrix${counter}`,
    ssn: ssn(),
    dateOfBirth: dob,
    sex: "U",
    pcp,
  });
  const enrollBody = (where: "own" | "group" | "other") => {
    const place =
      where === "own"
        ? { groupNumber: "G1000001", subgroup: "SAL", location: "DET", plan: "HMO-500" }
        : where === "group"
          ? { groupNumber: "G1000002", location: "TOL", plan: "HMO-500" }
          : { groupNumber: "G2000001", location: "OTH", plan: "PPO-X" };
    const hmo = place.plan === "HMO-500";
    const subscriber = {
      ...person("Pat", "1980-05-05", "1003000126"),
      address,
      ...(hmo ? {} : { pcp: undefined }),
    };
    const child = {
      ...person("Kim", "2015-03-03", "1003000142"),
      relationship: "child",
      ...(hmo ? {} : { pcp: undefined }),
    };
    return {
      ...place,
      effectiveDate: "2026-12-01",
      employeeNumber: `M${counter}`,
      hireDate: "2020-01-06",
      subscriber,
      dependents: [child],
    };
  };
  const newMember = async (
    where: "own" | "group" | "other",
    state: "active" | "cancelled",
  ): Promise<FreshMember> => {
    const token = where === "other" ? otherToken : primaryToken;
    const created = await portal.call("POST", "/v1/members", { token, body: enrollBody(where) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    let member = created.body;
    if (state === "cancelled") {
      const cancelled = await portal.call("POST", `/v1/members/${member.id}/cancel`, {
        token,
        body: { terminationDate: "2026-12-31", reason: "termination-of-employment" },
      });
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      member = cancelled.body.member;
    }
    return {
      id: member.id,
      employeeNumber: member.employeeNumber,
      version: member.version,
      childId: member.dependents[0].id,
    };
  };
  f = {
    tokens: {
      P: primaryToken,
      S: await login("matrix-secondary"),
      G: await login("matrix-group-admin"),
      D: await login("matrix-delegate"),
      T: apiToken.token,
      X: disabledToken,
      A: undefined,
    },
    userIds: {
      P: primaryId,
      S: secondary,
      G: groupAdmin,
      D: delegate,
      T: primaryId,
      X: disabled,
      A: "",
      other: otherPrimary,
    },
    delegateInA: await insertUser(acme, "delegate", { features: ["enrollment.view"], groupIds: [gA] }),
    delegateInB: await insertUser(acme, "delegate", { features: ["enrollment.view"], groupIds: [gB] }),
    otherEmployerUser: otherPrimary,
    unique: (prefix) => `${prefix}-${++counter}`,
    newDelegateBody: (groups) => ({
      role: "delegate",
      name: "New Delegate",
      email: `new-${++counter}@matrix.example`,
      features: ["enrollment.view"],
      groups,
    }),
    newUser: (role, groups, status = "active") =>
      insertUser(acme, role, {
        features: ["enrollment.view"],
        groupIds: groups.map((g) => demoIds.group(g)),
        status,
        ...(status === "pending" ? {} : { username: `matrix-u${++counter}` }),
      }),
    members: { own: (await newMember("own", "active")).id },
    invoices: await matrixInvoices(),
    enrollBody,
    childInput: () => ({ ...person("Lee", "2018-07-07", "1003000142"), relationship: "child" }),
    newMember,
    newJob: async (actor) => {
      const owner = ["P", "S", "G"].includes(actor) ? actor : "P";
      const res = await portal.call("POST", "/v1/imports", {
        token: f.tokens[owner],
        body: { fileName: "m.csv", fileSha256: "a".repeat(64), totalRows: 1, totalOperations: 1 },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    },
    methods: { own: "", group: "", other: "" },
    payments: { own: "", group: "", other: "" },
    newMethod: async (where) => (await addMethod(where)).id,
    newPayment: async (where) => {
      const res = await portal.call("POST", "/v1/payments", {
        token: where === "other" ? otherToken : primaryToken,
        headers: { "idempotency-key": `matrix-pay-${++counter}` },
        body: { invoiceId: f.invoices[where], allocations: [{ method: f.methods[where], amountCents: 1 }] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.payments[0].id as string;
    },
    newSchedule: async (where, paused = false) => {
      const token = where === "other" ? otherToken : primaryToken;
      const res = await portal.call("POST", "/v1/payment-schedules", {
        token,
        headers: { "idempotency-key": `matrix-sched-${++counter}` },
        body: { group: GROUP_OF[where], dayOfMonth: 3, allocations: [{ method: f.methods[where] }] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      if (paused) {
        const p = await portal.call("POST", `/v1/payment-schedules/${res.body.id}/pause`, { token });
        expect(p.status, JSON.stringify(p.body)).toBe(200);
      }
      return res.body.id as string;
    },
    newTokenFor: async (owner) =>
      (
        await createApiToken(portal.ctx, f.userIds[owner], {
          name: `t${++counter}`,
          features: [],
          expiresAt: new Date(Date.now() + 86_400_000),
        })
      ).id,
  };
  async function addMethod(where: "own" | "group" | "other") {
    const res = await portal.call("POST", "/v1/payment-methods", {
      token: where === "other" ? otherToken : primaryToken,
      body: {
        group: GROUP_OF[where],
        nickname: `m${++counter}`,
        routingNumber: "011000015",
        accountNumber: String(20_000_000 + counter),
        type: "checking",
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; nickname: string };
  }
  // Invoices of groups without members owe nothing; give them something to pay.
  await db
    .updateTable("invoices")
    .set({ amount_due_cents: 1_000_000 })
    .where("amount_due_cents", "<=", 0)
    .execute();
  for (const where of ["own", "group", "other"] as const) {
    f.methods[where] = (await addMethod(where)).nickname;
    f.payments[where] = await f.newPayment(where);
  }
});
afterAll(async () => {
  await portal?.dispose();
});

/** The demo's invoice of G1000001, and invoices issued now for G1000002 and the other employer's group. */
async function matrixInvoices(): Promise<Record<"own" | "group" | "other", string>> {
  const cycle = cycleOnOrBefore(todayOf(portal.clock.now()));
  const own = await portal.ctx.db
    .selectFrom("invoices")
    .select("id")
    .where("group_id", "=", demoIds.group("G1000001"))
    .orderBy("period", "desc")
    .executeTakeFirstOrThrow();
  return {
    own: own.id,
    group: (await issueInvoice(portal.ctx, demoIds.group("G1000002"), cycle)).invoiceId,
    other: (await issueInvoice(portal.ctx, seedId("grp", "G2000001"), cycle)).invoiceId,
  };
}

/** A ready report of the primary administrator (fresh each time: nothing a cell does can spoil it). */
async function primaryReport(): Promise<string> {
  const res = await portal.call("POST", "/v1/reports", { token: f.tokens.P, body: { type: "cobra-roster" } });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  await portal.reports.idle();
  return res.body.id;
}
/** A ready report of the other employer's primary administrator. */
async function otherReport(): Promise<string> {
  const token = await login("other-primary");
  const res = await portal.call("POST", "/v1/reports", { token, body: { type: "cobra-roster" } });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  await portal.reports.idle();
  return res.body.id;
}
async function primarySchedule(fx: Fixture): Promise<string> {
  const res = await portal.call("POST", "/v1/report-schedules", {
    token: f.tokens.P,
    body: {
      name: fx.unique("sched"),
      type: "cobra-roster",
      frequency: "weekly",
      weekday: "monday",
      period: "as-of-run-date",
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** Every row of every table, minus what any authenticated request may touch (a token's last-used time). */
async function snapshot(): Promise<string> {
  const tables = await portal.ctx.db
    .selectFrom("sqlite_master" as never)
    .select("name" as never)
    .where("type" as never, "=", "table" as never)
    .execute();
  const dump: Record<string, unknown[]> = {};
  for (const { name } of tables as { name: string }[]) {
    const rows = await portal.ctx.db
      .selectFrom(name as never)
      .selectAll()
      .execute();
    dump[name] = rows.map((r) => ({ ...(r as object), last_used_at: undefined }));
  }
  return JSON.stringify(dump);
}

function urlFor(name: RouteName, req: Request): string {
  const path = routes[name].path.replace(/:(\w+)/g, (_, k: string) =>
    encodeURIComponent(req.params?.[k] ?? ""),
  );
  return req.query ? `${path}?${req.query}` : path;
}

const FORBIDDEN_KEYS =
  /"(password|passwordHash|password_hash|tokenHash|token_hash|keyHash|key_hash|ssnEncrypted|ssn_encrypted|ssnHmac|ssn_hmac|accountNumber|account_encrypted|account_hmac)"/;

describe("authorization matrix", () => {
  const cases = Object.entries(matrix).flatMap(([name, rels]) =>
    Object.entries(rels).flatMap(([rel, cell]) => {
      const statuses = cell!.expect.split(" ");
      expect(statuses, `${name}/${rel} needs one status per actor`).toHaveLength(ACTORS.length);
      return ACTORS.map((actor, i) => ({
        name: name as RouteName,
        rel,
        actor,
        cell: cell!,
        status: Number(statuses[i]),
      }));
    }),
  );

  it.each(cases)("$name ($rel) as $actor → $status", async ({ name, actor, cell, status }) => {
    const req = await cell.request(f, actor);
    await portal.reports.idle(); // reports requested by an earlier cell finish before the snapshot
    const before = await snapshot();
    const def = routes[name];
    const res = await portal.call(def.method, urlFor(name, req), {
      body: req.body,
      token: f.tokens[actor],
      headers: req.headers,
    });
    await portal.reports.idle();
    const effective =
      cell.perOperation && res.status === 200 ? (res.body.results[0].error?.status ?? 200) : res.status;
    expect(effective, JSON.stringify(res.body)).toBe(status);
    if (status >= 400 && res.status >= 400) {
      expect(Object.keys(res.body)).toEqual(["error"]);
      // Login/registration attempts are audited even when refused; every other refusal changes nothing.
      if (def.access !== "public") expect(await snapshot()).toBe(before);
    }
    expect(JSON.stringify(res.body ?? {})).not.toMatch(FORBIDDEN_KEYS);
  });

  it("names every route the app registers (add new routes to the table)", () => {
    const named = new Set(Object.keys(matrix));
    for (const name of Object.keys(routes))
      expect(named.has(name), `route ${name} is missing from the matrix`).toBe(true);
    const contractPaths = new Set(Object.values(routes).map((r) => `${r.method} ${r.path}`));
    const registered = portal.app.registeredRoutes
      .filter((r) => r.url !== "/openapi.json")
      .map((r) => `${r.method} ${r.url}`);
    for (const route of registered)
      expect(contractPaths.has(route), `${route} is served but not in the contract/matrix`).toBe(true);
    expect(registered.length).toBe(contractPaths.size);
  });
});

describe("mass assignment and self-service limits", () => {
  it("a delegate cannot PATCH their own features, scope or role", async () => {
    const before = await snapshot();
    const features = await portal.call("PATCH", "/v1/users/me", {
      token: f.tokens.D,
      body: { features: ["users.manage"] },
    });
    expect(features.status).toBe(403);
    const scope = await portal.call("PATCH", "/v1/users/me", {
      token: f.tokens.D,
      body: { groups: ["G1000001", "G1000002"] },
    });
    expect(scope.status).toBe(403);
    const role = await portal.call("PATCH", "/v1/users/me", {
      token: f.tokens.D,
      body: { role: "primary-admin" },
    });
    expect(role.status).toBe(400);
    expect(role.body.error.code).toBe("validation_failed");
    const employer = await portal.call("PATCH", `/v1/users/${f.delegateInA}`, {
      token: f.tokens.P,
      body: { employerId: OTHER_EMPLOYER },
    });
    expect(employer.status).toBe(400);
    expect(await snapshot()).toBe(before);
  });

  it("responses carry the same keys whoever asks, and no secret fields", async () => {
    const keysAs = async (actor: Actor) =>
      Object.keys(
        (await portal.call("GET", `/v1/users/${f.delegateInA}`, { token: f.tokens[actor] })).body,
      ).sort();
    expect(await keysAs("P")).toEqual(await keysAs("G"));
    const me = await portal.call("GET", "/v1/users/me", { token: f.tokens.D });
    expect(Object.keys(me.body).sort()).toEqual(await keysAs("P"));
  });
});
