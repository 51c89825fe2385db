// PostgreSQL twin of ../schema: the tables drizzle-kit generates migrations/postgres from. Domain
// code never queries these; it uses ../schema, whose SQL and values the PostgreSQL driver runs
// against these tables.
export * from "./auth.ts";
export * from "./stripe.ts";
export * from "./webhooks.ts";
export * from "./commerce.ts";
export * from "./money.ts";
export * from "./metrics.ts";
export * from "./jobs.ts";
export * from "./outbound-webhooks.ts";
export * from "./usage.ts";
export * from "./wallets.ts";
export * from "./mail.ts";
