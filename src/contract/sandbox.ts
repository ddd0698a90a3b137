import { z } from "zod";
import { Timestamp } from "./common.js";

export const OutboxQuery = z.strictObject({
  to: z.email().optional(),
  last: z.stringbool().optional().describe("only the newest message"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const OutboxMessage = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  body: z.string(),
  sentAt: Timestamp,
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;

export const OutboxList = z.object({ messages: z.array(OutboxMessage) });

/** `31d`, `12h`, `90m`, `2w`: how far the sandbox clock moves. */
export const Duration = z
  .string()
  .trim()
  .regex(/^\d{1,5}[mhdw]$/, "must be a number and a unit: m (minutes), h, d or w, e.g. 31d");

export const ClockState = z.object({
  now: Timestamp,
  offsetMs: z.number().int().describe("how far the sandbox clock is ahead of real time"),
});
export const ClockAdvanceRequest = z.strictObject({ by: Duration });

export const Health = z.object({ status: z.literal("ok"), version: z.string(), sandbox: z.boolean() });
