import { getRouteApi, Link, Outlet } from "@tanstack/react-router";
import {
  CreditCardIcon,
  GaugeIcon,
  LayersIcon,
  LayoutDashboardIcon,
  PackageIcon,
  ReceiptTextIcon,
  StoreIcon,
  UserRoundIcon,
} from "lucide-react";
import { Logo } from "@/components/logo";
import { SkipLink } from "@/components/skip-link";
import { UserMenu } from "@/features/auth/user-menu";
import { useSessionWatch } from "@/features/auth/use-session-watch";
import { MountInBackground } from "@/features/shell/mount-in-background";
import { FrameSkeleton } from "@/features/shell/page-skeleton";

const NAV = [
  { to: "/billing", label: "Overview", icon: LayoutDashboardIcon, exact: true },
  { to: "/billing/invoices", label: "Invoices", icon: ReceiptTextIcon, exact: false },
  { to: "/billing/orders", label: "Orders", icon: PackageIcon, exact: false },
  { to: "/billing/credit", label: "Credit", icon: CreditCardIcon, exact: false },
  { to: "/billing/usage", label: "Usage", icon: GaugeIcon, exact: false },
  { to: "/billing/shop", label: "Shop", icon: StoreIcon, exact: false },
  { to: "/pricing", label: "Plans", icon: LayersIcon, exact: false },
  { to: "/billing/account", label: "Account", icon: UserRoundIcon, exact: false },
] as const;

const routeApi = getRouteApi("/billing");

/** Customer frame: top bar with the account menu, section tabs, page body. */
export function BillingLayout() {
  return (
    <MountInBackground fallback={<FrameSkeleton />}>
      <BillingFrame />
    </MountInBackground>
  );
}

function BillingFrame() {
  const { me } = routeApi.useRouteContext();
  useSessionWatch();

  return (
    <div className="flex min-h-svh flex-col">
      <SkipLink />
      <header className="sticky top-0 z-30 border-b bg-background/85 backdrop-blur supports-[backdrop-filter]:bg-background/70">
        <div className="mx-auto flex h-14 max-w-5xl items-center justify-between gap-4 px-4 sm:px-6">
          <Link
            to="/billing"
            className="rounded-md outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
          >
            <Logo label="Billing" />
          </Link>
          <UserMenu me={me} />
        </div>
        <nav aria-label="Billing" className="mx-auto max-w-5xl overflow-x-auto px-2 sm:px-4">
          <ul className="flex gap-1">
            {NAV.map(({ to, label, icon: Icon, exact }) => (
              <li key={to}>
                <Link
                  to={to}
                  activeOptions={{ exact }}
                  className="relative flex h-10 items-center gap-2 rounded-md px-2.5 text-sm sm:px-3 font-medium text-muted-foreground outline-none transition-colors hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 data-[status=active]:text-foreground data-[status=active]:after:absolute data-[status=active]:after:inset-x-2 data-[status=active]:after:-bottom-px data-[status=active]:after:h-0.5 data-[status=active]:after:rounded-full data-[status=active]:after:bg-primary"
                >
                  <Icon className="hidden size-4 sm:block" aria-hidden="true" />
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main
        id="main"
        tabIndex={-1}
        className="mx-auto w-full max-w-5xl flex-1 px-4 py-8 outline-none sm:px-6"
      >
        <Outlet />
      </main>
    </div>
  );
}
