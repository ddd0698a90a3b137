import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { routes } from "../../src/contract/routes.js";
import { generateOpenApi, generateRouteIndex } from "../../src/portal/openapi.js";
import { testPortal } from "../helpers/portal.js";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));

describe("OpenAPI document", () => {
  it("committed openapi.json matches the contract (run `npm run build && npm run openapi` to refresh)", async () => {
    const fresh = await generateOpenApi(pkg.version);
    expect(readFileSync("openapi.json", "utf8")).toBe(fresh);
    expect(readFileSync("src/contract/route-index.ts", "utf8")).toBe(generateRouteIndex(fresh));
  });

  it("documents every route of the contract and is OpenAPI 3.1", async () => {
    const doc = JSON.parse(await generateOpenApi(pkg.version));
    expect(doc.openapi).toBe("3.1.0");
    for (const def of Object.values(routes)) {
      const path = def.path.replace(/:(\w+)/g, "{$1}");
      expect(doc.paths[path]?.[def.method.toLowerCase()], `${def.method} ${path}`).toBeDefined();
    }
  });

  it("is served by the portal at /openapi.json", async () => {
    const portal = await testPortal();
    try {
      const res = await portal.call("GET", "/openapi.json");
      expect(res.status).toBe(200);
      expect(res.body.info.title).toBe("hnctl portal API");
    } finally {
      await portal.dispose();
    }
  });
});
