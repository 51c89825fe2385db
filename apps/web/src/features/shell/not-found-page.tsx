import { Link } from "@tanstack/react-router";
import { CompassIcon } from "lucide-react";
import { DocumentTitle } from "@/components/document-title";
import { EmptyState } from "@/components/empty-state";
import { Logo } from "@/components/logo";
import { Button } from "@/components/ui/button";

export function NotFoundPage() {
  return (
    <div className="flex min-h-svh flex-col items-center justify-center gap-8 px-4 text-center">
      <DocumentTitle title="Page not found" />
      <Logo />
      <div className="flex size-14 items-center justify-center rounded-full bg-accent text-accent-foreground">
        <CompassIcon className="size-7" aria-hidden="true" />
      </div>
      <div className="max-w-md space-y-2">
        <p className="text-sm font-medium text-primary">404</p>
        <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
        <p className="text-sm text-muted-foreground">
          There is nothing at this address. It may have moved, or the link may be mistyped.
        </p>
      </div>
      <Button asChild>
        <Link to="/">Go to Folio</Link>
      </Button>
    </div>
  );
}

/** Not-found inside an app frame: keeps the navigation and offers the area's home page. */
export function NotFoundInFrame({ home }: { home: "/billing" | "/admin" }) {
  return (
    <>
      <DocumentTitle title="Page not found" />
      <EmptyState
        icon={CompassIcon}
        title="Page not found"
        description="There is nothing at this address. It may have moved, or the link may be mistyped."
        action={
          <Button asChild variant="outline">
            <Link to={home}>{home === "/admin" ? "Back to the console" : "Back to billing"}</Link>
          </Button>
        }
      />
    </>
  );
}
