import { writeFileSync } from "node:fs";
import { openApiDocument } from "./openapi.ts";

// Rewrites the committed copy of the usage API's document (docs/usage-api.openapi.json).
export const OPENAPI_FILE = new URL("../../../../../docs/usage-api.openapi.json", import.meta.url);

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(OPENAPI_FILE, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
  console.log(`wrote ${OPENAPI_FILE.pathname}`);
}
