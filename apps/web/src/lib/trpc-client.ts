import type { AppRouter } from "@folio/server/api";
import { MAX_API_URL_LENGTH, MAX_TRPC_BATCH_SIZE } from "@folio/server/limits";
import { createTRPCClient, httpBatchLink } from "@trpc/client";

/**
 * The one tRPC client. The SPA wraps it for react-query (`@/lib/trpc`); the sign-in entry,
 * which has no react-query, calls it directly.
 */
export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: "/api/trpc",
      // The server refuses longer URLs and bigger batches; the link splits batches to fit.
      maxURLLength: MAX_API_URL_LENGTH,
      maxItems: MAX_TRPC_BATCH_SIZE,
      fetch: (input, init) => fetch(input, { ...init, credentials: "include" }),
    }),
  ],
});
