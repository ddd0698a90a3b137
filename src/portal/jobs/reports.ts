import { expireReports, runDueSchedules } from "../services/reports.js";
import { ownerPrincipal, type ReportWorker } from "./report-worker.js";
import type { Job } from "./scheduler.js";

/** Recurring reports that fell due are queued, reports ready for 30 days expire, and the worker is woken. */
export function reportsJob(worker: ReportWorker): Job {
  return {
    name: "reports",
    async run(ctx, now) {
      await runDueSchedules(ctx, now, (userId) => ownerPrincipal(ctx, userId));
      await expireReports(ctx, now);
      worker.kick();
    },
  };
}
