import { getRouteApi, Link } from "@tanstack/react-router";
import { ArrowRightIcon } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { HomeCards } from "@/features/admin/home-cards";
import { SECTION_ICONS } from "@/features/admin/section-icons";
import { sectionsFor } from "@/features/admin/sections";
import { ROLE_LABELS } from "@/features/auth/session";

const adminRoute = getRouteApi("/admin");

/**
 * Landing page of the console: what needs this role's attention now, then the sections it can
 * open, with what each is for.
 */
export function AdminOverviewPage() {
  const { me } = adminRoute.useRouteContext();
  const sections = sectionsFor(me.permissions);
  return (
    <div className="space-y-8">
      <PageHeader
        title={`Welcome, ${me.user.name}`}
        documentTitle="Admin console"
        description={`You're signed in with the ${ROLE_LABELS[me.user.role]} role.`}
      />
      <HomeCards canFulfil={me.permissions.includes("orders.fulfill")} />
      <h2 className="text-lg font-semibold tracking-tight">Your sections</h2>
      <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        {sections.map(({ to, label, summary }) => {
          const Icon = SECTION_ICONS[to];
          return (
            <li key={to}>
              <Link
                to={to}
                className="group block h-full rounded-xl outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
              >
                <Card className="h-full transition-colors group-hover:border-primary/40 group-hover:bg-accent/40">
                  <CardHeader>
                    <span className="mb-2 flex size-9 items-center justify-center rounded-lg bg-accent text-primary">
                      <Icon className="size-4" aria-hidden="true" />
                    </span>
                    <CardTitle className="flex items-center gap-1.5">
                      {label}
                      <ArrowRightIcon
                        className="size-4 text-muted-foreground transition-transform group-hover:translate-x-0.5"
                        aria-hidden="true"
                      />
                    </CardTitle>
                    <CardDescription>{summary}</CardDescription>
                  </CardHeader>
                </Card>
              </Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
