import { isAuthPagePath, type AuthPagePath } from "@folio/server/auth-pages";
import type { Role } from "@/features/auth/session";

// Where people go around signing in. Shared by the SPA and the light sign-in entry, so it must
// not import the SPA's router or data layer.

export function isStaffRole(role: Role): boolean {
  return role !== "customer";
}

export function homeFor(role: Role): "/billing" | "/admin" {
  return isStaffRole(role) ? "/admin" : "/billing";
}

/** Only same-origin paths may be redirect targets; anything else would be an open redirect. */
export function safeRedirect(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return undefined;
  return value;
}

/** Search params of the auth pages: where to go once signed in. */
export function validateAuthSearch(search: Record<string, unknown>): { redirect?: string } {
  const redirect = safeRedirect(search.redirect);
  // Coming back to an auth page after signing in would loop.
  if (redirect && isAuthPagePath(redirect.split(/[?#]/, 1)[0]!.replace(/\/$/, ""))) {
    return { redirect: undefined };
  }
  return { redirect };
}

/** An auth page's URL, carrying where to go afterwards. */
export function authPageHref(path: AuthPagePath, redirect?: string): string {
  return redirect ? `${path}?redirect=${encodeURIComponent(redirect)}` : path;
}
