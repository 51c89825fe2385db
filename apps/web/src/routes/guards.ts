/* eslint-disable @typescript-eslint/only-throw-error -- TanStack Router redirects are thrown by design. */
import { redirect, type ParsedLocation } from "@tanstack/react-router";
import { ensureMe, homeFor } from "@/features/auth/session";
import type { RouterContext } from "@/routes/root";

/** Signed-out visitors go to sign in, and come back here afterwards. */
export function toSignIn(location: ParsedLocation) {
  return redirect({ to: "/sign-in", search: { redirect: location.href } });
}

/** Signed-in users have nothing to do on the sign-in and sign-up pages. */
export async function leaveIfSignedIn({
  context,
  search,
}: {
  context: RouterContext;
  search: { redirect?: string };
}) {
  const me = await ensureMe(context.queryClient);
  if (me) throw redirect({ href: search.redirect ?? homeFor(me.user.role) });
}
