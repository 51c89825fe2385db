import { isAuthPagePath, type AuthPagePath } from "@folio/server/auth-pages";
import type { ComponentType } from "react";
import { homeFor, validateAuthSearch } from "@/features/auth/destinations";
import { SignInPage } from "@/features/auth/sign-in-page";
import { SignUpPage } from "@/features/auth/sign-up-page";
import type { Flash } from "@/lib/flash";
import { trpcClient } from "@/lib/trpc-client";

export interface AuthPageProps {
  /** Where to go once signed in (a same-origin path), from `?redirect=`. */
  redirectTo?: string;
  /** A notice carried over from the page the visitor came from (signed out, session ended). */
  notice?: Flash;
}

/** The page for each path the server answers with auth.html (AUTH_PAGE_PATHS). */
const PAGES: Record<AuthPagePath, ComponentType<AuthPageProps>> = {
  "/sign-in": SignInPage,
  "/sign-up": SignUpPage,
};

/** The page for this URL; an unknown path (auth.html opened directly) shows sign in. */
export function authPageFor(location: Location) {
  const path = location.pathname.replace(/(.)\/$/, "$1");
  const search = validateAuthSearch(Object.fromEntries(new URLSearchParams(location.search)));
  return { Page: PAGES[isAuthPagePath(path) ? path : "/sign-in"], redirectTo: search.redirect };
}

/** Signed-in visitors have nothing to do here: they go where they were headed, or home. */
export async function leaveIfSignedIn(redirectTo: string | undefined): Promise<void> {
  const me = await trpcClient.auth.me.query();
  if (me) window.location.replace(redirectTo ?? homeFor(me.user.role));
}
