import { isAuthPagePath, type AuthPagePath } from "@folio/server/auth-pages";
import type { ComponentType } from "react";
import { homeFor, validateAuthSearch } from "@/features/auth/destinations";
import { AcceptInvitationPage } from "@/features/auth/accept-invitation-page";
import { ConfirmEmailPage } from "@/features/auth/confirm-email-page";
import { ForgotPasswordPage } from "@/features/auth/forgot-password-page";
import { ResetPasswordPage } from "@/features/auth/reset-password-page";
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
  "/forgot-password": ForgotPasswordPage,
  "/reset-password": ResetPasswordPage,
  "/accept-invitation": AcceptInvitationPage,
  "/confirm-email": ConfirmEmailPage,
};

/** Pages a signed-in visitor is sent on from; an e-mailed link works whoever is signed in. */
const FOR_SIGNED_OUT = new Set<AuthPagePath>(["/sign-in", "/sign-up", "/forgot-password"]);

/** The page for this URL; an unknown path (auth.html opened directly) shows sign in. */
export function authPageFor(location: Location) {
  const path = location.pathname.replace(/(.)\/$/, "$1");
  const search = validateAuthSearch(Object.fromEntries(new URLSearchParams(location.search)));
  const page = isAuthPagePath(path) ? path : "/sign-in";
  return {
    Page: PAGES[page],
    redirectTo: search.redirect,
    leaveWhenSignedIn: FOR_SIGNED_OUT.has(page),
  };
}

/** Signed-in visitors have nothing to do here: they go where they were headed, or home. */
export async function leaveIfSignedIn(redirectTo: string | undefined): Promise<void> {
  const me = await trpcClient.auth.me.query();
  if (me) window.location.replace(redirectTo ?? homeFor(me.user.role));
}
