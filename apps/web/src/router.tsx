import { createRouter } from "@tanstack/react-router";
import { toast } from "@/lib/toast";
import { forgetSession, meQueryKey } from "@/features/auth/session";
import { PageSkeleton } from "@/features/shell/page-skeleton";
import { NotFoundPage } from "@/features/shell/not-found-page";
import { RouteError } from "@/features/shell/route-error";
import { onUnauthorized, queryClient } from "@/lib/trpc";
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
// guards send the user to sign in (they keep the current page as the redirect target).
// Several queries can fail at once, so the notice is keyed and only shown when a session was
// actually known. Cached data is dropped once the guards have moved the user away, so pages
// still on screen do not refetch it in the meantime. Without a known session there is nothing
// to undo: a page's data started beside the session check (routes/page.ts) for a signed-out
// visitor fails this way while the guard is already sending them to sign in.
onUnauthorized(() => {
  const hadSession = queryClient.getQueryData(meQueryKey()) != null;
  queryClient.setQueryData(meQueryKey(), null);
  if (!hadSession) return;
  toast.info("Your session has ended. Sign in again to continue.", { id: "session-ended" });
  void router.invalidate().finally(() => forgetSession(queryClient));
});
