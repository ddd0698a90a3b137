import type { Payment, PaymentMethod, Schedule } from "../contract/payments.js";
import type { RouteInput, RouteName, RouteOutput } from "../contract/routes.js";
import { ApiError, NetworkError } from "../client/errors.js";
import { formatUsd, parseUsd } from "../contract/money.js";
import { CliError, ExitCode, usageError } from "./errors.js";
import type { Column } from "./output.js";
import { PaymentJournal } from "./payment-journal.js";
import type { CliSession } from "./session.js";

/** Shared by `bill pay`, `bill schedule …`, `payment …` and `payment-method …`. Money stays cents until shown. */

export interface AllocationInput {
  method: string;
  amountCents?: number;
}

/** `--from operating=1200.00 --from reserve`: at most one without an amount (it takes the rest). */
export function parseAllocations(values: string[]): AllocationInput[] {
  const out = values.map((raw) => {
    const eq = raw.indexOf("=");
    const method = (eq < 0 ? raw : raw.slice(0, eq)).trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(method))
      throw usageError(
        `--from ${raw}: give an account nickname, optionally =AMOUNT (e.g. operating=1200.00)`,
      );
    if (eq < 0) return { method };
    const parsed = parseUsd(raw.slice(eq + 1));
    if (!parsed.ok)
      throw usageError(`--from ${raw}: the amount ${parsed.message}`, "e.g. --from operating=1200.00");
    if (parsed.cents <= 0) throw usageError(`--from ${raw}: the amount must be more than 0`);
    return { method, amountCents: parsed.cents };
  });
  if (out.filter((a) => a.amountCents === undefined).length > 1)
    throw usageError("at most one --from may leave out its amount (it pays the rest)");
  const names = out.map((a) => a.method.toLowerCase());
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw usageError(`--from names ${twice} twice`);
  return out;
}

export const describeAllocations = (a: { method: string; amountCents?: number | null }[]) =>
  a.map((x) => `${x.method} ${x.amountCents == null ? "the rest" : formatUsd(x.amountCents)}`).join(", ");

/**
 * Sends a money-moving request with an Idempotency-Key that is persisted before the first attempt and
 * reused by retries and re-runs (see PaymentJournal). A duplicate still in flight (409) is waited for.
 */
export async function sendIdempotent<N extends RouteName>(
  session: CliSession,
  route: N,
  input: Partial<RouteInput<N>>,
  note: (m: string) => void,
): Promise<RouteOutput<N>> {
  const journal = new PaymentJournal(session.configDir);
  const fingerprint = PaymentJournal.fingerprint([session.apiUrl.href, session.profile, route, input]);
  const { key, resumedFrom } = journal.begin(route, fingerprint);
  if (resumedFrom)
    note(
      `Resuming the attempt of ${resumedFrom} with the same Idempotency-Key: the portal answers it without paying twice.`,
    );
  const client = session.client();
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await client.call(route, input, { idempotencyKey: key });
      journal.finish(key);
      return out;
    } catch (err) {
      if (err instanceof ApiError && err.code === "idempotency_in_progress" && attempt < 20) {
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (err instanceof NetworkError)
        throw new CliError(
          `${err.message}; the request may or may not have reached the portal`,
          ExitCode.error,
          err.code,
          "run the same command again: it reuses the same Idempotency-Key, so nothing is paid twice (or check `hnctl payment list`)",
        );
      // A definitive answer (refusal): a corrected command is a new request.
      if (err instanceof ApiError && err.status < 500) journal.finish(key);
      throw err;
    }
  }
}

export const paymentColumns: Column<Payment>[] = [
  { header: "payment", get: (p) => p.id },
  { header: "invoice", get: (p) => p.invoiceNumber },
  { header: "account", get: (p) => `${p.method.nickname} ${p.method.accountMasked}` },
  { header: "amount", get: (p) => formatUsd(p.amountCents) },
  { header: "pay date", get: (p) => p.payDate },
  { header: "status", get: (p) => p.status },
  { header: "settles", get: (p) => p.settleDate ?? "" },
  { header: "return", get: (p) => (p.returnCode ? `${p.returnCode} ${p.returnReason}` : "") },
];

export const methodColumns: Column<PaymentMethod>[] = [
  { header: "nickname", get: (m) => m.nickname },
  { header: "group", get: (m) => m.groupNumber },
  { header: "routing", get: (m) => m.routingNumber },
  { header: "account", get: (m) => m.accountMasked },
  { header: "type", get: (m) => m.type },
  { header: "id", get: (m) => m.id },
];

export const scheduleColumns: Column<Schedule>[] = [
  { header: "schedule", get: (s) => s.id },
  { header: "group", get: (s) => s.groupNumber },
  { header: "day", get: (s) => String(s.dayOfMonth) },
  { header: "allocations", get: (s) => describeAllocations(s.allocations) },
  { header: "start", get: (s) => s.startDate },
  { header: "end", get: (s) => s.endDate ?? "" },
  { header: "status", get: (s) => s.status },
  { header: "next run", get: (s) => s.nextRunDate ?? "" },
];

/** A payment method named by ID (pm_…) or nickname (within --group when you see several groups). */
export async function resolveMethodId(session: CliSession, ref: string, group?: string): Promise<string> {
  if (/^pm_[a-z0-9]+$/.test(ref)) return ref;
  const { paymentMethods } = await session.client().call("paymentMethodList", { query: { group } });
  const found = paymentMethods.filter((m) => m.nickname.toLowerCase() === ref.toLowerCase());
  if (found.length === 1) return found[0]!.id;
  if (!found.length)
    throw new CliError(
      `no payment method nicknamed ${ref}`,
      ExitCode.notFound,
      "not_found",
      "see `hnctl payment-method list`",
    );
  throw usageError(
    `${ref} is a nickname in several groups (${found.map((m) => m.groupNumber).join(", ")})`,
    "add --group or give the pm_… ID",
  );
}

/** Yes/no at a terminal; without one, --yes is required. */
export async function confirmOrYes(opts: { yes: boolean; question: string; what: string }): Promise<void> {
  if (opts.yes) return;
  const { canPrompt } = await import("./prompt.js");
  if (!canPrompt()) throw usageError(`${opts.what} needs --yes when not run from a terminal`);
  const { confirm } = await import("@inquirer/prompts");
  const ok = await confirm({ message: opts.question, default: false }, { output: process.stderr });
  if (!ok) throw new CliError("not confirmed; nothing was changed", ExitCode.usage, "not_confirmed");
}
