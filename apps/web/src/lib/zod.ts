import { config } from "zod/mini";

// The forms' schemas import zod from here, never "zod/mini" directly (lint enforces it), so this
// runs before any schema exists. Zod's fast path probes `new Function`; the server's CSP forbids
// eval, so the browser would report a policy violation on every page that builds a schema
// (Lighthouse's best practices counts it). Jitless skips the probe; our schemas are small.
config({ jitless: true });

export * from "zod/mini";
