import type { AppRouter, Permission } from "@folio/server/api";
import { hashKey, type QueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { trpc } from "@/lib/trpc";

type RouterOutputs = inferRouterOutputs<AppRouter>;

/** The signed-in user and what they may do, exactly as `auth.me` reports it. */
export type Me = NonNullable<RouterOutputs["auth"]["me"]>;
export type Role = Me["user"]["role"];

/** Permission names come from the server's matrix; the UI only reads them, never decides them. */
export type { Permission };

export function hasPermission(me: Me, permission: Permission): boolean {
  return me.permissions.includes(permission);
}

export function isStaffRole(role: Role): boolean {
  return role !== "customer";
}

export function homeFor(role: Role): "/billing" | "/admin" {
  return isStaffRole(role) ? "/admin" : "/billing";
}

export const ROLE_LABELS: Record<Role, string> = {
  customer: "Customer",
  support: "Support",
  fulfillment: "Fulfillment",
  finance: "Finance",
  admin: "Admin",
};

/** Only same-origin paths may be redirect targets; anything else would be an open redirect. */
export function safeRedirect(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return undefined;
  return value;
}

/** Search params of the sign-in and sign-up pages: where to go once signed in. */
export function validateAuthSearch(search: Record<string, unknown>): { redirect?: string } {
  const redirect = safeRedirect(search.redirect);
  // Coming back to a sign-in page after signing in would loop.
  if (redirect && /^\/sign-(in|up)(?:[/?#]|$)/.test(redirect)) return { redirect: undefined };
  return { redirect };
}

export const meQueryOptions = () => trpc.auth.me.queryOptions();

export const meQueryKey = () => trpc.auth.me.queryKey();

/** Resolves the session for route guards, from cache when present. */
export function ensureMe(queryClient: QueryClient): Promise<Me | null> {
  return queryClient.ensureQueryData(meQueryOptions());
}

/** After sign-in: nothing cached for a previous account may survive into the new one. */
export function rememberSession(queryClient: QueryClient, me: Me): void {
  queryClient.removeQueries();
  queryClient.setQueryData(meQueryKey(), me);
}

/** After sign-out or an expired session: keep only the (now empty) session entry. */
export function forgetSession(queryClient: QueryClient): void {
  queryClient.setQueryData(meQueryKey(), null);
  const meHash = hashKey(meQueryKey());
  queryClient.removeQueries({ predicate: (query) => query.queryHash !== meHash });
}
