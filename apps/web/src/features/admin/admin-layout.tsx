import { getRouteApi, Link, Outlet, useMatchRoute } from "@tanstack/react-router";
import { MenuIcon } from "lucide-react";
import { useState } from "react";
import { Logo } from "@/components/logo";
import { SkipLink } from "@/components/skip-link";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetDescription, SheetTitle } from "@/components/ui/sheet";
import {
  Sidebar,
  SidebarContent,
  SidebarFooter,
  SidebarGroupLabel,
  SidebarHeader,
  SidebarMenu,
  SidebarMenuButton,
  SidebarMenuItem,
} from "@/components/ui/sidebar";
import { SECTION_ICONS } from "@/features/admin/section-icons";
import { sectionsFor } from "@/features/admin/sections";
import { ROLE_LABELS, type Me } from "@/features/auth/session";
import { useSessionWatch } from "@/features/auth/use-session-watch";
import { UserMenu } from "@/features/auth/user-menu";
import { MountInBackground } from "@/features/shell/mount-in-background";
import { FrameSkeleton } from "@/features/shell/page-skeleton";

const routeApi = getRouteApi("/admin");

function AdminNav({ me, onNavigate }: { me: Me; onNavigate?: () => void }) {
  const matchRoute = useMatchRoute();
  const sections = sectionsFor(me.permissions);
  return (
    <nav aria-label="Admin">
      <SidebarGroupLabel>Console</SidebarGroupLabel>
      <SidebarMenu>
        {sections.map(({ to, label }) => {
          const Icon = SECTION_ICONS[to];
          return (
            <SidebarMenuItem key={to}>
              <SidebarMenuButton asChild active={Boolean(matchRoute({ to, fuzzy: true }))}>
                <Link to={to} onClick={onNavigate}>
                  <Icon aria-hidden="true" />
                  {label}
                </Link>
              </SidebarMenuButton>
            </SidebarMenuItem>
          );
        })}
      </SidebarMenu>
    </nav>
  );
}

function AdminSidebar({ me, onNavigate }: { me: Me; onNavigate?: () => void }) {
  return (
    <Sidebar className="w-full">
      <SidebarHeader>
        <Link
          to="/admin"
          onClick={onNavigate}
          className="rounded-md outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
        >
          <Logo label="Admin" />
        </Link>
      </SidebarHeader>
      <SidebarContent>
        <AdminNav me={me} onNavigate={onNavigate} />
      </SidebarContent>
      <SidebarFooter>
        <p className="text-xs text-muted-foreground">Signed in with the role</p>
        <Badge variant="secondary">{ROLE_LABELS[me.user.role]}</Badge>
      </SidebarFooter>
    </Sidebar>
  );
}

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
  const [menuOpen, setMenuOpen] = useState(false);
  useSessionWatch();

  return (
    <div className="flex min-h-svh">
      <SkipLink />
      <div className="sticky top-0 hidden h-svh w-64 shrink-0 border-r border-sidebar-border md:block">
        <AdminSidebar me={me} />
      </div>
      <Sheet open={menuOpen} onOpenChange={setMenuOpen}>
        <SheetContent side="left" className="w-72 gap-0 p-0">
          <SheetTitle className="sr-only">Admin navigation</SheetTitle>
          <SheetDescription className="sr-only">Sections of the admin console</SheetDescription>
          <AdminSidebar me={me} onNavigate={() => setMenuOpen(false)} />
        </SheetContent>
      </Sheet>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b bg-background/85 px-4 backdrop-blur supports-[backdrop-filter]:bg-background/70 sm:px-6">
          <Button
            variant="ghost"
            size="icon"
            className="md:hidden"
            aria-label="Open navigation"
            onClick={() => setMenuOpen(true)}
          >
            <MenuIcon />
          </Button>
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
