/* eslint-disable @typescript-eslint/only-throw-error -- TanStack Router redirects are thrown by design. */
import type { QueryClient } from "@tanstack/react-query";
import {
  createRootRouteWithContext,
  createRoute,
  Outlet,
  redirect,
  type ErrorComponentProps,
} from "@tanstack/react-router";
import { lazy, Suspense, useEffect, useState } from "react";
import { homeFor } from "@/features/auth/destinations";
import { ensureMe } from "@/features/auth/session";
import { RouteError } from "@/features/shell/route-error";
import { takeFlash } from "@/lib/flash";
import { onFirstToast, toast } from "@/lib/toast";
import { NotFoundPage } from "@/routes/not-found";
import { startPages } from "@/routes/page";

export interface RouterContext {
  queryClient: QueryClient;
}

export function FullPageRouteError(props: ErrorComponentProps) {
  return <RouteError {...props} fullPage />;
}

// sonner is not part of a visit until a toast is raised: the Toaster mounts then, and sonner
// shows the toasts raised before it subscribed (see `@/lib/toast`). A notice left by the page
// that loaded this one (the sign-in entry's welcome) is raised the same way.
const Toaster = lazy(() => import("@/components/ui/sonner").then((m) => ({ default: m.Toaster })));

function DeferredToaster() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    const unsubscribe = onFirstToast(() => setMounted(true));
    const flash = takeFlash();
    if (flash) toast[flash.kind](flash.message);
    return unsubscribe;
  }, []);
  if (!mounted) return null;
  return (
    <Suspense fallback={null}>
      <Toaster richColors closeButton position="bottom-right" />
    </Suspense>
  );
}

export const rootRoute = createRootRouteWithContext<RouterContext>()({
  // Runs before the area guards, which wait for the session: the pages' code and data start now.
  beforeLoad: ({ context, matches, preload }) => {
    startPages(context.queryClient, matches, preload);
  },
  component: () => (
    <>
      <Outlet />
      <DeferredToaster />
    </>
  ),
  notFoundComponent: NotFoundPage,
  errorComponent: FullPageRouteError,
});

export const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/",
  beforeLoad: async ({ context }) => {
    const me = await ensureMe(context.queryClient);
    throw me
      ? redirect({ to: homeFor(me.user.role) })
      : redirect({ href: "/sign-in", reloadDocument: true });
  },
});
