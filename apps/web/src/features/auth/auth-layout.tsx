import { CreditCardIcon, PackageCheckIcon, ShieldCheckIcon } from "lucide-react";
import type * as React from "react";
import { Logo } from "@/components/logo";
import { ThemeToggle } from "@/components/theme-toggle";
import type { Flash } from "@/lib/flash";

const HIGHLIGHTS = [
  {
    icon: CreditCardIcon,
    title: "Self-service billing",
    text: "Customers manage plans, invoices and payment details on their own.",
  },
  {
    icon: PackageCheckIcon,
    title: "One place for operations",
    text: "Staff fulfil orders, issue refunds and grant credit without opening Stripe.",
  },
  {
    icon: ShieldCheckIcon,
    title: "Least privilege",
    text: "Support, fulfilment and finance each see exactly what their role needs.",
  },
];

/**
 * Frame of the signed-out pages: product story on the left, the form on the right, under a
 * notice carried over from the previous page (signed out, session ended).
 */
export function AuthLayout({ notice, children }: { notice?: Flash; children: React.ReactNode }) {
  return (
    <div className="grid min-h-svh lg:grid-cols-[minmax(0,5fr)_minmax(0,6fr)]">
      <aside className="relative hidden overflow-hidden border-r bg-sidebar lg:flex lg:flex-col lg:justify-between lg:p-10">
        <div
          aria-hidden="true"
          className="pointer-events-none absolute -top-40 -left-40 size-[32rem] rounded-full bg-primary/15 blur-3xl"
        />
        <Logo className="relative" />
        <div className="relative space-y-8">
          <div className="space-y-3">
            <h2 className="text-3xl font-semibold tracking-tight text-balance">
              The billing console for businesses that sell on Stripe.
            </h2>
            <p className="text-muted-foreground">
              A customer portal and an admin console, backed by your own Stripe account.
            </p>
          </div>
          <ul className="space-y-5">
            {HIGHLIGHTS.map(({ icon: Icon, title, text }) => (
              <li key={title} className="flex gap-3">
                <span className="mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-lg bg-background text-primary shadow-xs ring-1 ring-border">
                  <Icon className="size-4" aria-hidden="true" />
                </span>
                <div>
                  <p className="text-sm font-medium">{title}</p>
                  <p className="text-sm text-muted-foreground">{text}</p>
                </div>
              </li>
            ))}
          </ul>
        </div>
        <p className="relative text-xs text-muted-foreground">
          Open source · Self-hosted · Your data stays yours
        </p>
      </aside>
      <main className="flex flex-col">
        <header className="flex items-center justify-between p-4 sm:p-6">
          <Logo className="lg:invisible" />
          <ThemeToggle />
        </header>
        <div className="flex flex-1 items-center justify-center px-4 pb-16 sm:px-6">
          <div className="w-full max-w-sm">
            {notice && (
              <p
                role="status"
                className="mb-6 rounded-md border bg-muted/50 px-3 py-2.5 text-sm text-foreground"
              >
                {notice.message}
              </p>
            )}
            {children}
          </div>
        </div>
      </main>
    </div>
  );
}
