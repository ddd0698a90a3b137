// Writes openapi.json from the built contract (run `npm run build` first). A test fails when it is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { generateOpenApi } from "../dist/portal/openapi.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
writeFileSync(new URL("../openapi.json", import.meta.url), await generateOpenApi(version));
console.log("wrote openapi.json");
