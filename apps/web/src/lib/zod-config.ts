import { config } from "zod/mini";

// Imported first by main.tsx, before any schema exists. Zod's fast path probes `new Function`;
// the server's CSP forbids eval, so the browser reports a policy violation on every page load
// (Lighthouse's best practices counts it). Jitless skips the probe; our schemas are small.
config({ jitless: true });
