import type { AppRouter, Permission } from "@folio/server/api";
import type { QueryClient } from "@tanstack/react-query";
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

export const ROLE_LABELS: Record<Role, string> = {
  customer: "Customer",
  support: "Support",
  fulfillment: "Fulfillment",
  finance: "Finance",
  admin: "Admin",
};

export const meQueryOptions = () => trpc.auth.me.queryOptions();

export const meQueryKey = () => trpc.auth.me.queryKey();

/** Resolves the session for route guards, from cache when present. */
export function ensureMe(queryClient: QueryClient): Promise<Me | null> {
  return queryClient.ensureQueryData(meQueryOptions());
}
