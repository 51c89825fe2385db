import { useQueryErrorResetBoundary } from "@tanstack/react-query";
import { useRouter, type ErrorComponentProps } from "@tanstack/react-router";
import { useEffect } from "react";
import { ErrorState } from "@/components/error-state";

/** Error boundary for a route: explains the failure and retries the route's data on demand. */
export function RouteError({
  error,
  fullPage = false,
}: ErrorComponentProps & { fullPage?: boolean }) {
  const router = useRouter();
  const queryErrorResetBoundary = useQueryErrorResetBoundary();

  useEffect(() => {
    queryErrorResetBoundary.reset();
  }, [queryErrorResetBoundary]);

  const state = (
    <ErrorState
      title="This page couldn't be loaded"
      error={error}
      onRetry={() => void router.invalidate()}
      className={fullPage ? "w-full max-w-lg" : undefined}
    />
  );
  if (!fullPage) return state;
  return <div className="flex min-h-svh items-center justify-center px-4">{state}</div>;
}
