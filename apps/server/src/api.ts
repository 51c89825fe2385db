// The web app's entry into @folio/server: types only, so neither the browser bundle nor the
// web's typecheck pulls in the server runtime (Fastify app, Stripe emulator, CLI). Keep every
// line here an `export type`; the graph reachable from it is routers, tRPC and their types.
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./routers/_app.ts";

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type { Me } from "./routers/auth.ts";
export type { Permission } from "./permissions.ts";
export type { Access } from "./trpc.ts";
export type { Role } from "@folio/db";
