// Writes openapi.json and src/contract/route-index.ts from the built contract (run `npm run build`
// first, and again afterwards: the route index is compiled too). A test fails when either is stale.
// If the build stops because the route index itself is stale (a merge added routes), tsc still emits:
// `npx tsc -p tsconfig.build.json; node scripts/write-openapi.js; npm run build`.
import { readFileSync, writeFileSync } from "node:fs";
import { generateOpenApi, generateRouteIndex } from "../dist/portal/openapi.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const openapi = await generateOpenApi(version);
writeFileSync(new URL("../openapi.json", import.meta.url), openapi);
writeFileSync(new URL("../src/contract/route-index.ts", import.meta.url), generateRouteIndex(openapi));
console.log("wrote openapi.json and src/contract/route-index.ts");
