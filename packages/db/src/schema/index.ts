export * from "./auth.ts";
export * from "./stripe.ts";
export * from "./webhooks.ts";
export * from "./commerce.ts";
export * from "./money.ts";
export * from "./metrics.ts";
