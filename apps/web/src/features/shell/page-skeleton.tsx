import { Skeleton } from "@/components/ui/skeleton";

/** Placeholder for a page body while its route is loading. */
export function PageSkeleton() {
  return (
    <div className="space-y-6" role="status" aria-label="Loading">
      <div className="space-y-2">
        <Skeleton className="h-7 w-48" />
        <Skeleton className="h-4 w-80 max-w-full" />
      </div>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <Skeleton className="h-32" />
        <Skeleton className="h-32" />
        <Skeleton className="h-32" />
      </div>
      <Skeleton className="h-64" />
    </div>
  );
}

/** Placeholder for a whole app frame while the session is being checked. */
export function FrameSkeleton() {
  return (
    <div className="flex min-h-svh flex-col" role="status" aria-label="Loading">
      <div className="flex h-14 items-center justify-between border-b px-4 sm:px-6">
        <Skeleton className="h-7 w-28" />
        <Skeleton className="size-8 rounded-full" />
      </div>
      <div className="mx-auto w-full max-w-5xl flex-1 px-4 py-8 sm:px-6">
        <PageSkeleton />
      </div>
    </div>
  );
}
