import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.js";
import { OffsetClock } from "./clock.js";
import { defaultSettings, type PortalContext, type PortalSettings } from "./context.js";
import { openDatabase } from "./db/index.js";
import { billingJob } from "./jobs/billing.js";
import { paymentsJob } from "./jobs/payments.js";
import { retentionJob } from "./jobs/retention.js";
import { ReportWorker } from "./jobs/report-worker.js";
import { reportsJob } from "./jobs/reports.js";
import { Scheduler } from "./jobs/scheduler.js";
import { OutboxMailer, SmtpMailer, type Mailer } from "./mail.js";
import { loadPiiKey, PiiVault } from "./pii.js";
import { createHandlers } from "./routes/index.js";
import { issueRegistrationKey } from "./services/auth.js";
import { pendingPrimaryAdmins, seedDemo } from "./services/demo.js";
import { loadClockOffset } from "./services/sandbox.js";

export interface PortalOptions {
  dbFile: string;
  version: string;
  demo?: boolean;
  sandbox?: boolean;
  smtpUrl?: string;
  mailFrom?: string;
  logger?: boolean | { level: string; stream?: NodeJS.WritableStream };
  settings?: Partial<PortalSettings>;
  authRateLimit?: number;
  /**
   * The 256-bit key that encrypts SSNs at rest (64 hex characters or base64). Without it the key is read
   * from `piiKeyFile`, by default `<dbFile>.key`, which is created (mode 0600) on first start. Keep it
   * outside backups of the database: the database alone does not reveal SSNs.
   */
  piiKey?: string;
  piiKeyFile?: string;
  /** How often the scheduler looks for due work in real time (the sandbox clock also triggers it). */
  tickMs?: number;
  /** Checkpoint the write-ahead log in a thread of its own (`portal serve` does; see checkpoint-worker.ts). */
  checkpointInBackground?: boolean;
}

export interface Portal {
  app: FastifyInstance;
  ctx: PortalContext;
  clock: OffsetClock;
  scheduler: Scheduler;
  /** Runs queued reports in the background. */
  reports: ReportWorker;
  /** Registration keys issued at start for primary administrators who have not registered. */
  registrationKeys: string[];
  close(): Promise<void>;
}

/** Opens the DB (migrating it), seeds the demo employer when asked, and builds the app. Does not listen. */
export async function createPortal(opts: PortalOptions): Promise<Portal> {
  const pii = new PiiVault(loadPiiKey({ key: opts.piiKey, keyFile: opts.piiKeyFile, dbFile: opts.dbFile }));
  const { db, close: closeDb } = await openDatabase(opts.dbFile, {
    checkpointInBackground: opts.checkpointInBackground,
  });
  const clock = new OffsetClock();
  const sandbox = Boolean(opts.demo || opts.sandbox);
  const settings: PortalSettings = { ...defaultSettings, ...opts.settings, sandbox };
  // Report files hold PHI: a directory of their own next to the database, readable by the portal only.
  const reportsDir =
    opts.dbFile === ":memory:" ? mkdtempSync(join(tmpdir(), "hnctl-reports-")) : `${opts.dbFile}.reports`;
  mkdirSync(reportsDir, { recursive: true, mode: 0o700 });
  const ctx: PortalContext = {
    db,
    clock,
    settings,
    pii,
    mailer: undefined as unknown as Mailer,
    files: { reportsDir, dbFile: opts.dbFile },
  };
  ctx.mailer = opts.smtpUrl
    ? new SmtpMailer(opts.smtpUrl, opts.mailFrom ?? "hnctl portal <no-reply@portal.invalid>", db, clock)
    : new OutboxMailer(db, clock);
  if (sandbox) await loadClockOffset(ctx, clock);
  if (opts.demo) await seedDemo(ctx);
  // While the primary administrator has not registered, each start issues a fresh key (older ones stop working).
  const registrationKeys: string[] = [];
  for (const userId of await pendingPrimaryAdmins(ctx))
    registrationKeys.push(await issueRegistrationKey(ctx, userId));

  const reports = new ReportWorker(ctx, (err) =>
    app.log.error({ err: { message: (err as Error).message } }, "report worker failed"),
  );
  await reports.recover();
  const scheduler = new Scheduler(
    ctx,
    [billingJob, paymentsJob, retentionJob, reportsJob(reports)],
    (job, err) => app.log.error({ job, err: { message: (err as Error).message } }, "scheduled job failed"),
  );
  const app = await buildApp({
    ctx,
    version: opts.version,
    handlers: createHandlers({ version: opts.version, clock, scheduler, reports }),
    logger: opts.logger ?? false,
    authRateLimit: opts.authRateLimit,
  });
  let closed = false;
  return {
    app,
    ctx,
    clock,
    scheduler,
    reports,
    registrationKeys,
    async close() {
      if (closed) return;
      closed = true;
      // Order matters: stop taking requests and let in-flight ones finish, let a running job finish,
      // then close the DB. Each write is one transaction, so nothing is left half-written.
      await app.close();
      await scheduler.stop();
      // A report in progress stops at its next batch and is queued again (it runs after the next start).
      await reports.stop();
      if (ctx.mailer instanceof SmtpMailer) await ctx.mailer.close();
      await closeDb();
    },
  };
}

/** createPortal + listen + scheduler ticking. */
export async function startPortal(
  opts: PortalOptions & { port: number; host: string },
): Promise<Portal & { url: string }> {
  const portal = await createPortal(opts);
  await portal.app.listen({ port: opts.port, host: opts.host });
  const address = portal.app.server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  portal.scheduler.start(opts.tickMs ?? 60_000);
  void portal.scheduler.runDue();
  portal.reports.kick();
  return { ...portal, url: `http://${host}:${port}` };
}
