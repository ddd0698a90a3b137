import { expect, it } from "vitest";

// npm's node@24 devDependency puts Node 24 first on PATH; if its install script were skipped the suite
// would silently run on the machine's older Node. This makes that loud.
it("runs on Node 22.13 or newer", () => {
  const [major, minor] = process.versions.node.split(".").map(Number);
  expect(major! > 22 || (major === 22 && minor! >= 13), `running on ${process.version}`).toBe(true);
});
