import { createPortal } from "./server.js";

/** The OpenAPI 3.1 document, generated from the contract's zod schemas through the app's routes. */
export async function generateOpenApi(version: string): Promise<string> {
  // Sandbox on, so the sandbox-only routes are documented too (their summary says so).
  const portal = await createPortal({ dbFile: ":memory:", version, sandbox: true, logger: false });
  try {
    await portal.app.ready();
    return JSON.stringify(portal.app.swagger(), null, 2) + "\n";
  } finally {
    await portal.close();
  }
}
