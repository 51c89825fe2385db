import { Link, useMatchRoute } from "@tanstack/react-router";
import { Logo } from "@/components/logo";
import { Badge } from "@/components/ui/badge";
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

/** The console's sections the role may open, with the role's name. */
export function AdminSidebar({ me, onNavigate }: { me: Me; onNavigate?: () => void }) {
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
