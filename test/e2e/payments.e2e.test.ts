import { createServer, connect, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliEnv,
  createTokenWithCli,
  registerPrimary,
  runCli,
  startPortalProcess,
  type PortalProcess,
} from "../helpers/cli.js";

/**
 * Paying bills end to end: the built CLI against `portal serve --demo`, as a script would run it (no TTY).
 * The no-double-charge tests put a small TCP proxy between the two that can drop the connection after the
 * portal answered a payment (the CLI retries), or swallow the answer while the CLI is killed (it is run again).
 */

let portal: PortalProcess;
let admin: ReturnType<typeof cliEnv>;
let proxy: Proxy;
const cli = (args: string[], input?: string, env: Record<string, string> = {}) =>
  runCli(args, { env: { ...admin.env, ...env }, input, timeoutMs: 30_000 });
const json = async (args: string[], input?: string, env?: Record<string, string>) => {
  const r = await cli([...args, "--json"], input, env);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return JSON.parse(r.stdout);
};
const payments = async (): Promise<{ id: string; amountCents: number; status: string }[]> =>
  json(["payment", "list"]);

interface Proxy {
  url: string;
  /** pass: forward everything; drop: close the client's socket instead of forwarding the next payment's answer; swallow: never forward it. */
  mode: "pass" | "drop" | "swallow";
  answeredPayments: number;
  server: Server;
}

function startProxy(target: URL): Promise<Proxy> {
  const state = { mode: "pass", answeredPayments: 0 } as Proxy;
  state.server = createServer((client: Socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    let paying = false;
    client.on("data", (d) => {
      if (d.toString("latin1").startsWith("POST /v1/payments ")) paying = true;
      upstream.write(d);
    });
    upstream.on("data", (d) => {
      if (paying) {
        paying = false;
        state.answeredPayments++;
        if (state.mode === "drop") {
          state.mode = "pass";
          client.destroy();
          upstream.destroy();
          return;
        }
        if (state.mode === "swallow") return;
      }
      client.write(d);
    });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  return new Promise((resolve) =>
    state.server.listen(0, "127.0.0.1", () => {
      const addr = state.server.address() as { port: number };
      state.url = `http://127.0.0.1:${addr.port}`;
      resolve(state);
    }),
  );
}

beforeAll(async () => {
  portal = await startPortalProcess();
  admin = cliEnv(portal.url);
  await registerPrimary(portal, admin.env);
  admin.env.HNCTL_TOKEN = await createTokenWithCli(admin.env, "payments-e2e");
  proxy = await startProxy(new URL(portal.url));
}, 60_000);
afterAll(async () => {
  proxy?.server.close();
  admin?.cleanup();
  await portal?.stop();
});

const addMethod = (nickname: string, account: string, extra: string[] = []) =>
  cli(
    [
      "payment-method",
      "add",
      "--group",
      "G1000001",
      "--nickname",
      nickname,
      "--routing-number",
      "011000015",
      "--type",
      "checking",
      "--account-number-stdin",
      ...extra,
    ],
    account,
  );

describe("payment methods", () => {
  it("adds accounts from stdin, masks them, and refuses bad input", async () => {
    const badRouting = await cli(
      [
        "payment-method",
        "add",
        "--nickname",
        "x",
        "--routing-number",
        "011000016",
        "--type",
        "checking",
        "--account-number-stdin",
      ],
      "12345678",
    );
    expect(badRouting.code).toBe(2);
    expect(badRouting.stderr).toMatch(/ABA checksum/);
    const letters = await addMethod("operating", "1234-5678x");
    expect(letters.code).toBe(2);
    expect(letters.stderr).toMatch(/4 to 17 digits/);
    const noStdin = await cli([
      "payment-method",
      "add",
      "--nickname",
      "x",
      "--routing-number",
      "011000015",
      "--type",
      "checking",
    ]);
    expect(noStdin.code).toBe(2);
    expect(noStdin.stderr).toMatch(/--account-number-stdin/);
    expect((await addMethod("operating", "000123456789")).code).toBe(0);
    expect((await addMethod("reserve", "987654321")).code).toBe(0);
    const taken = await addMethod("operating", "55554444");
    expect(taken.code).toBe(6);
    expect(taken.stderr).toMatch(/taken/);
    const list = await cli(["payment-method", "list"]);
    expect(list.stdout).toContain("••••6789");
    expect(list.stdout).not.toContain("123456789");
    expect(portal.log()).not.toContain("123456789");
  });
});

describe("paying a bill", () => {
  it("refuses bad amounts, unknown nicknames, too much, and dates in the past or over a year ahead", async () => {
    const cases: [string[], number, RegExp][] = [
      [["--from", "operating=0"], 2, /more than 0/],
      [["--from", "operating=12.345"], 2, /more than 2 decimals/],
      [["--from", "operating", "--from", "reserve"], 2, /at most one --from/],
      [["--from", "nobody=10"], 6, /no payment method nicknamed nobody/],
      [["--from", "operating=99999999"], 6, /more than the/],
      [["--from", "operating=10", "--date", "2020-01-01"], 6, /in the past/],
      [["--from", "operating=10", "--date", "2099-01-01"], 6, /a year ahead/],
    ];
    for (const [args, code, message] of cases) {
      const r = await cli(["bill", "pay", "--group", "G1000001", ...args, "--yes"]);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(code);
      expect(r.stderr).toMatch(message);
    }
    const noYes = await cli(["bill", "pay", "--group", "G1000001", "--from", "operating=10"]);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/--yes/);
    expect(await payments()).toHaveLength(0);
  });

  it("(1) the connection drops after the portal committed: the CLI's retry makes exactly one payment", async () => {
    proxy.mode = "drop";
    const before = proxy.answeredPayments;
    const r = await cli(
      ["bill", "pay", "--group", "G1000001", "--from", "operating=11.11", "--yes", "--json"],
      "",
      {
        HNCTL_API_URL: proxy.url,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.answeredPayments - before).toBe(2); // the dropped answer and the replay
    expect((await payments()).filter((p) => p.amountCents === 1111)).toHaveLength(1);
  });

  it("(3) the CLI is killed after the portal committed: running it again makes no second payment", async () => {
    proxy.mode = "swallow";
    const before = proxy.answeredPayments;
    const args = ["bill", "pay", "--group", "G1000001", "--from", "operating=22.22", "--yes"];
    const killed = await runCli(args, { env: { ...admin.env, HNCTL_API_URL: proxy.url }, timeoutMs: 5_000 });
    expect(killed.code).toBeNull(); // SIGKILL while waiting for the answer
    expect(proxy.answeredPayments - before).toBe(1); // the portal did pay
    proxy.mode = "pass";
    const again = await cli(args, "", { HNCTL_API_URL: proxy.url });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/same Idempotency-Key/);
    expect((await payments()).filter((p) => p.amountCents === 2222)).toHaveLength(1);
    // The journal entry is done: the same command now is a new, deliberate payment.
    const third = await cli(args, "", { HNCTL_API_URL: proxy.url });
    expect(third.code, third.stderr).toBe(0);
    expect((await payments()).filter((p) => p.amountCents === 2222)).toHaveLength(2);
  });

  it("pays the rest split across accounts; it settles the next business day and the invoice is paid", async () => {
    const batch = await json([
      "bill",
      "pay",
      "--group",
      "G1000001",
      "--from",
      "operating=1200.00",
      "--from",
      "reserve",
      "--yes",
    ]);
    expect(batch.payments).toHaveLength(2);
    expect(batch.payments[0].amountCents).toBe(120_000);
    const scheduled = batch.payments[1].id as string;
    expect((await json(["portal", "clock", "advance", "5d"])).offsetMs).toBeGreaterThan(0);
    const shown = await json(["payment", "show", scheduled]);
    expect(shown.status).toBe("settled");
    const invoices: { id: string; status: string }[] = await json(["bill", "list"]);
    expect(invoices.find((i) => i.id === batch.invoiceId)?.status).toBe("paid");
    const again = await cli(["bill", "pay", "--group", "G1000001", "--from", "operating=1", "--yes"]);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/is paid/);
    const cancel = await cli(["payment", "cancel", scheduled, "--yes"]);
    expect(cancel.code).toBe(6);
    expect(cancel.stderr).toMatch(/only scheduled payments can be cancelled/);
    const settled = await cli(["payment", "list", "--status", "settled"]);
    expect(settled.stdout).toContain("settled");
  });
});

describe("recurring payments", () => {
  it("creates, lists, pauses, resumes and cancels a schedule; the account it uses cannot be removed", async () => {
    for (const day of ["0", "29"]) {
      const bad = await cli([
        "bill",
        "schedule",
        "create",
        "--group",
        "G1000001",
        "--day",
        day,
        "--from",
        "operating",
      ]);
      expect(bad.code).toBe(2);
    }
    const s = await json([
      "bill",
      "schedule",
      "create",
      "--group",
      "G1000001",
      "--day",
      "5",
      "--from",
      "reserve=100",
      "--from",
      "operating",
    ]);
    expect(s.status).toBe("active");
    const list = await cli(["bill", "schedule", "list"]);
    expect(list.stdout).toContain(s.id);
    const remove = await cli(["payment-method", "remove", "reserve", "--group", "G1000001", "--yes"]);
    expect(remove.code).toBe(6);
    expect(remove.stderr).toContain(s.id);
    expect((await json(["bill", "schedule", "pause", s.id])).status).toBe("paused");
    expect((await json(["bill", "schedule", "resume", s.id])).status).toBe("active");
    expect((await json(["bill", "schedule", "update", s.id, "--day", "12"])).dayOfMonth).toBe(12);
    expect((await json(["bill", "schedule", "cancel", s.id, "--yes"])).status).toBe("cancelled");
    expect((await cli(["payment-method", "remove", "reserve", "--group", "G1000001", "--yes"])).code).toBe(0);
  });
});
