import { describe, expect, it } from "vitest";
import type { PortalClient } from "../../src/client/portal-client.js";
import {
  batched,
  FIRST_BATCH,
  MAX_BATCH_ROWS,
  planWithPortal,
  type Planned,
} from "../../src/cli/roster/plan.js";

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

/* A batch ends at the operation count asked for, or earlier when its rows (people) would pass
   MAX_BATCH_ROWS: members with many dependents must not make a request larger than the portal takes. */
describe("batched", () => {
  const member = (line: number, people: number): Planned => ({
    kind: "operation",
    op: { ref: line, action: "add", dependents: [] },
    rows: Array.from({ length: people }, (_, i) => ({ line: line + i, cells: [] })),
    label: `E${line}`,
  });
  const invalid = (line: number): Planned => ({
    kind: "invalid",
    rows: [{ line, cells: [] }],
    errors: ["bad"],
  });
  async function* from(items: Planned[]) {
    yield* items;
  }
  const shape = async (items: Planned[], size: number) => {
    const out: string[][] = [];
    for await (const b of batched(from(items), size))
      out.push(b.map((p) => (p.kind === "operation" ? `op${p.rows.length}` : "invalid")));
    return out;
  };

  it("cuts at the operation count; invalid rows ride along without counting", async () => {
    expect(await shape([member(2, 1), invalid(3), member(4, 2), member(6, 1), invalid(7)], 2)).toEqual([
      ["op1", "invalid", "op2"],
      ["op1", "invalid"],
    ]);
  });

  it("cuts before an operation whose rows would pass the row limit", async () => {
    const big = MAX_BATCH_ROWS / 2; // two of these fill a batch, a third does not fit
    expect(await shape([member(2, big), member(3, big), member(4, 1), member(5, big)], 4000)).toEqual([
      ["op" + big, "op" + big],
      ["op1", "op" + big],
    ]);
  });

  it("starts with FIRST_BATCH operations and doubles up to the batch size", async () => {
    const members = Array.from({ length: 5000 }, (_, i) => member(i + 2, 1));
    const sizes = (await shape(members, 2000)).map((b) => b.length);
    expect(sizes).toEqual([FIRST_BATCH, 2 * FIRST_BATCH, 2000, 5000 - 3 * FIRST_BATCH - 2000]);
    expect((await shape(members.slice(0, 10), 3)).map((b) => b.length)).toEqual([3, 3, 3, 1]);
  });

  it("sends a member larger than the limit alone rather than never", async () => {
    expect(await shape([member(2, 1), member(3, MAX_BATCH_ROWS + 1), member(4, 1)], 4000)).toEqual([
      ["op1"],
      ["op" + (MAX_BATCH_ROWS + 1)],
      ["op1"],
    ]);
  });
});
