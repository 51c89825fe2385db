export * from "./auth.ts";
export * from "./stripe.ts";
export * from "./webhooks.ts";
export * from "./commerce.ts";
export * from "./money.ts";
export * from "./metrics.ts";
export * from "./jobs.ts";
export * from "./outbound-webhooks.ts";
