import { createRouter } from "@tanstack/react-router";
import { meQueryKey } from "@/features/auth/session";
import { setFlash } from "@/lib/flash";
import { PageSkeleton } from "@/features/shell/page-skeleton";
import { RouteError } from "@/features/shell/route-error";
import { onUnauthorized, queryClient } from "@/lib/trpc";
import { NotFoundPage } from "@/routes/not-found";
import { routeTree } from "@/routes/tree";

// The routes live in src/routes, one file per area; each page's code is its own chunk.
export const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultPreload: "intent",
  // React Query owns caching; the router should always ask it.
  defaultPreloadStaleTime: 0,
  defaultPendingComponent: PageSkeleton,
  defaultPendingMs: 150,
  defaultErrorComponent: RouteError,
  defaultNotFoundComponent: NotFoundPage,
  scrollRestoration: true,
});

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}

// A query refused with UNAUTHORIZED means the session is gone: forget it and let the route
// guards send the user to sign in (they keep the current page as the redirect target), which
// loads the sign-in page as a new document, so no cached data outlives the session. The
// sign-in page says why, only when a session was actually known. Without one there is nothing
// to undo: a page's data started beside the session check (routes/page.ts) for a signed-out
// visitor fails this way while the guard is already sending them to sign in.
onUnauthorized(() => {
  const hadSession = queryClient.getQueryData(meQueryKey()) != null;
  queryClient.setQueryData(meQueryKey(), null);
  if (!hadSession) return;
  setFlash({ kind: "info", message: "Your session has ended. Sign in again to continue." });
  void router.invalidate();
});
