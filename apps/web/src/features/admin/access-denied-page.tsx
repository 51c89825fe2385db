import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { ArrowLeftIcon, ShieldXIcon } from "lucide-react";
import { DocumentTitle } from "@/components/document-title";
import { Logo } from "@/components/logo";
import { Button } from "@/components/ui/button";
import { meQueryOptions } from "@/features/auth/session";
import { useSignOut } from "@/features/auth/use-sign-out";

/** What a customer sees at /admin: a clear refusal and a way back to their own area. */
export function AccessDeniedPage() {
  const { data: me } = useQuery(meQueryOptions());
  const { signOut } = useSignOut();

  return (
    <div className="flex min-h-svh flex-col items-center justify-center gap-8 px-4 text-center">
      <DocumentTitle title="No access" />
      <Logo />
      <div className="flex size-14 items-center justify-center rounded-full bg-destructive/10 text-destructive">
        <ShieldXIcon className="size-7" aria-hidden="true" />
      </div>
      <div className="max-w-md space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight text-balance">
          You don&apos;t have access to the admin console
        </h1>
        <p className="text-sm text-muted-foreground">
          The admin console is for Folio staff.
          {me ? (
            <>
              {" "}
              You&apos;re signed in as{" "}
              <span className="font-medium text-foreground">{me.user.email}</span>, a customer
              account.
            </>
          ) : null}
        </p>
      </div>
      <div className="flex flex-col gap-2 sm:flex-row">
        <Button asChild>
          <Link to="/billing">
            <ArrowLeftIcon aria-hidden="true" />
            Back to billing
          </Link>
        </Button>
        <Button variant="outline" disabled={signOut.isPending} onClick={() => signOut.mutate()}>
          Sign in with another account
        </Button>
      </div>
    </div>
  );
}
