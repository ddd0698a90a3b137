import { runBillingCycle } from "../services/billing.js";
import type { Job } from "./scheduler.js";

/** The billing cycle: amount-due verification, then every invoice that fell due (services/billing.ts). */
export const billingJob: Job = {
  name: "billing",
  async run(ctx, now) {
    await runBillingCycle(ctx, now);
  },
};
