import { describe, expect, it } from "vitest";
import type { PortalClient } from "../../src/client/portal-client.js";
import { planWithPortal, type Planned } from "../../src/cli/roster/plan.js";

/* planWithPortal keeps two plan requests in flight: results must still be summed in file order, and a
   request that fails must end the plan with its error (not an unhandled rejection). */

const operation = (line: number): Planned => ({
  kind: "operation",
  op: { ref: line, action: "add", dependents: [] },
  rows: [{ line, cells: [] }],
  label: `E${line}`,
});

async function* batches(n: number): AsyncGenerator<Planned[]> {
  for (let i = 0; i < n; i++) yield [operation(2 * i + 2), operation(2 * i + 3)];
}

/** A portal whose answers arrive in reverse order of the requests (the later one first). */
function client(fail?: number): PortalClient {
  let calls = 0;
  return {
    call: async (_name: string, req: { body: { operations: { ref: number }[] } }) => {
      const n = ++calls;
      await new Promise((resolve) => setTimeout(resolve, n % 2 ? 20 : 1));
      if (n === fail) throw new Error(`portal unreachable (request ${n})`);
      return {
        results: req.body.operations.map((op) => ({
          ref: op.ref,
          outcome: "added",
          memberId: null,
          changes: [],
          error: null,
        })),
      };
    },
  } as unknown as PortalClient;
}

describe("planWithPortal", () => {
  it("sums the batches in file order though answers arrive out of order", async () => {
    const seen: number[] = [];
    const summary = await planWithPortal(client(), batches(5), (rows) => seen.push(rows));
    expect(summary.added).toBe(10);
    expect(summary.lines.map((l) => l.lines[0])).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(seen).toEqual([2, 2, 2, 2, 2]);
  });

  it("ends with the error of a failed request, the other one in flight handled", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on("unhandledRejection", onUnhandled);
    try {
      await expect(planWithPortal(client(2), batches(5), () => undefined)).rejects.toThrow(
        "portal unreachable (request 2)",
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
