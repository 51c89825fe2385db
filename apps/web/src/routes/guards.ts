import { redirect, type ParsedLocation } from "@tanstack/react-router";
import { authPageHref } from "@/features/auth/destinations";

/**
 * Signed-out visitors go to sign in, and come back here afterwards. Sign-in is its own entry
 * (auth.html), so this loads it as a new page.
 */
export function toSignIn(location: ParsedLocation) {
  return redirect({ href: authPageHref("/sign-in", location.href), reloadDocument: true });
}
