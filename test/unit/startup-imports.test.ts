import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";

/**
 * Start-up budget: loading a command must not load the heavy modules (zod ~80 ms, fastify, kysely,
 * pdfkit, csv-parse, @inquirer/prompts…); they are imported inside run() when needed. This loads every
 * built command in a child process and records which packages each one pulls in at import time.
 */
const HEAVY = [
  "zod",
  "fastify",
  "kysely",
  "better-sqlite3",
  "pdfkit",
  "csv-parse",
  "csv-stringify",
  "@inquirer/prompts",
  "@napi-rs/keyring",
  "nodemailer",
  "got",
];

it("no command loads a heavy module when it is loaded (only when it runs)", () => {
  const script = `
    import { registerHooks } from "node:module";
    import { readdirSync } from "node:fs";
    import { join } from "node:path";
    import { pathToFileURL } from "node:url";
    const heavy = ${JSON.stringify(HEAVY)};
    let current = null;
    const seen = {};
    registerHooks({
      resolve(specifier, context, next) {
        const hit = heavy.find((h) => specifier === h || specifier.startsWith(h + "/"));
        if (hit && current) (seen[current] ??= new Set()).add(hit);
        return next(specifier, context);
      },
    });
    const files = readdirSync("dist/commands", { recursive: true }).filter((f) => f.endsWith(".js"));
    for (const f of files) {
      if (f === join("portal", "serve.js")) continue; // the portal itself, loaded lazily inside run()
      current = f;
      await import(pathToFileURL(join("dist/commands", f)).href);
    }
    console.log(JSON.stringify(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, [...v]]))));
  `;
  const res = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(res.status, res.stderr).toBe(0);
  expect(JSON.parse(res.stdout)).toEqual({});
});
