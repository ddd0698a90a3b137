import { readFileSync } from "node:fs";
import { expect, it } from "vitest";

/** The command-line conventions every command keeps (CLI.md), checked on the built manifest. */
const manifest = JSON.parse(readFileSync("oclif.manifest.json", "utf8")) as {
  commands: Record<string, { examples?: string[]; flags: Record<string, unknown> }>;
};
const commands = Object.entries(manifest.commands).filter(([id]) => id !== "help");

it("every command has --help examples, --json and the global --profile/--api-url flags", () => {
  expect(commands.length).toBeGreaterThan(60);
  for (const [id, c] of commands) {
    expect(c.examples?.length ?? 0, `${id} has no example`).toBeGreaterThan(0);
    for (const flag of ["json", "profile", "api-url"])
      expect(c.flags[flag], `${id} lacks --${flag}`).toBeDefined();
  }
});

it("lists take --csv", () => {
  const lists = commands.filter(([id]) => /:(list|search|history)$/.test(id));
  expect(lists.length).toBeGreaterThan(10);
  for (const [id, c] of lists) expect(c.flags.csv, `${id} lacks --csv`).toBeDefined();
});
