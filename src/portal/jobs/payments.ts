import { runPayments } from "../services/payments.js";
import type { Job } from "./scheduler.js";

/** Payments: recurring schedules that fell due, then processing and settlement (services/payments.ts). */
export const paymentsJob: Job = {
  name: "payments",
  async run(ctx, now) {
    await runPayments(ctx, now);
  },
};
