import { Link } from "@tanstack/react-router";
import type * as React from "react";
import { Logo } from "@/components/logo";
import { SkipLink } from "@/components/skip-link";
import { ThemeToggle } from "@/components/theme-toggle";
import { Button } from "@/components/ui/button";
import { authPageHref, homeFor } from "@/features/auth/destinations";
import type { Me } from "@/features/auth/session";
import { UserMenu } from "@/features/auth/user-menu";

/** Public frame of the pricing page: the way back to billing when signed in, sign in/up when not. */
export function PricingFrame({ me, children }: { me: Me | null; children: React.ReactNode }) {
  return (
    <div className="flex min-h-svh flex-col">
      <SkipLink />
      <header className="sticky top-0 z-30 border-b bg-background/85 backdrop-blur supports-[backdrop-filter]:bg-background/70">
        <div className="mx-auto flex h-14 max-w-5xl items-center justify-between gap-3 px-4 sm:px-6">
          <Link
            to="/pricing"
            className="rounded-md outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
          >
            <Logo label="Pricing" />
          </Link>
          <nav aria-label="Account" className="flex items-center gap-2">
            {me ? (
              <>
                <Button asChild variant="ghost" size="sm">
                  <Link to={homeFor(me.user.role)}>
                    {me.user.role === "customer" ? "Billing" : "Admin"}
                  </Link>
                </Button>
                <UserMenu me={me} />
              </>
            ) : (
              <>
                <ThemeToggle />
                <Button asChild variant="ghost" size="sm">
                  <a href={authPageHref("/sign-in", "/pricing")}>Sign in</a>
                </Button>
                <Button asChild size="sm">
                  <a href={authPageHref("/sign-up", "/pricing")}>Sign up</a>
                </Button>
              </>
            )}
          </nav>
        </div>
      </header>
      <main
        id="main"
        tabIndex={-1}
        className="mx-auto w-full max-w-5xl flex-1 px-4 py-8 outline-none sm:px-6"
      >
        {children}
      </main>
    </div>
  );
}
