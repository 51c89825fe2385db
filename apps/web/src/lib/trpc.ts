import type { AppRouter } from "@folio/server/api";
import { QueryCache, QueryClient } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { isClientError, isUnauthorized } from "@/lib/errors";
import { trpcClient } from "@/lib/trpc-client";

const MAX_RETRIES = 2;

let unauthorizedHandler: (() => void) | undefined;

/**
 * Called when any query answers UNAUTHORIZED (the session expired or was ended elsewhere).
 * The router registers the handler, so this module stays free of routing code.
 */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler;
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({
    onError(error) {
      if (isUnauthorized(error)) unauthorizedHandler?.();
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      retry: (failureCount, error) => !isClientError(error) && failureCount < MAX_RETRIES,
    },
    mutations: { retry: false },
  },
});

export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
