// Public surface of @folio/server. The web app imports types only (`import type { AppRouter }`).
export type { AppRouter } from "./routers/_app.ts";
export type { Me } from "./routers/auth.ts";
export type { Access, Meta } from "./trpc.ts";
export type { Context } from "./context.ts";
export type { AppDeps, AppServices } from "./app.ts";
export type { Env } from "./env.ts";
export type { Permission } from "./permissions.ts";
export type { SessionUser } from "./auth/session.ts";

export { appRouter } from "./routers/_app.ts";
export { buildApp } from "./app.ts";
export { createContextInner } from "./context.ts";
export { createCallerFactory } from "./trpc.ts";
export { loadEnv } from "./env.ts";
export { startServer } from "./server.ts";
export { seedDemo, DEMO_ACCOUNTS, DEMO_PASSWORD } from "./demo.ts";
export { PERMISSIONS, can, permissionsFor } from "./permissions.ts";
export { SESSION_COOKIE } from "./auth/session.ts";
