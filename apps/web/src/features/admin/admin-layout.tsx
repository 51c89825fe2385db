import { getRouteApi, Link, Outlet } from "@tanstack/react-router";
import { MenuIcon } from "lucide-react";
import { DeferredPopup } from "@/components/deferred-popup";
import { Logo } from "@/components/logo";
import { SkipLink } from "@/components/skip-link";
import { Button } from "@/components/ui/button";
import { AdminSidebar } from "@/features/admin/admin-sidebar";
import { useSessionWatch } from "@/features/auth/use-session-watch";
import { UserMenu } from "@/features/auth/user-menu";
import { MountInBackground } from "@/features/shell/mount-in-background";
import { FrameSkeleton } from "@/features/shell/page-skeleton";

const routeApi = getRouteApi("/admin");
const loadNavSheet = () =>
  import("@/features/admin/admin-nav-sheet").then((module) => module.AdminNavSheet);

/** Staff frame: permission-driven sidebar (a sheet on small screens), top bar, page body. */
export function AdminLayout() {
  return (
    <MountInBackground fallback={<FrameSkeleton />}>
      <AdminFrame />
    </MountInBackground>
  );
}

function AdminFrame() {
  const { me } = routeApi.useRouteContext();
  useSessionWatch();

  return (
    <div className="flex min-h-svh">
      <SkipLink />
      <div className="sticky top-0 hidden h-svh w-64 shrink-0 border-r border-sidebar-border md:block">
        <AdminSidebar me={me} />
      </div>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b bg-background/85 px-4 backdrop-blur supports-[backdrop-filter]:bg-background/70 sm:px-6">
          <DeferredPopup
            popup="dialog"
            load={loadNavSheet}
            props={{ me }}
            renderTrigger={(props) => (
              <Button
                variant="ghost"
                size="icon"
                className="md:hidden"
                aria-label="Open navigation"
                {...props}
              >
                <MenuIcon />
              </Button>
            )}
          />
          <Link to="/admin" className="md:hidden">
            <Logo label="Admin" />
          </Link>
          <div className="flex-1" />
          <UserMenu me={me} />
        </header>
        <main id="main" tabIndex={-1} className="flex-1 px-4 py-8 outline-none sm:px-6 lg:px-10">
          <div className="mx-auto max-w-6xl">
            <Outlet />
          </div>
        </main>
      </div>
    </div>
  );
}
