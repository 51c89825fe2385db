import type { QueryClient } from "@tanstack/react-query";
import { lazyRouteComponent, type AnyRouteMatch } from "@tanstack/react-router";
import { ensureMe } from "@/features/auth/session";

declare module "@tanstack/react-router" {
  interface StaticDataRouteOption {
    /** Starts downloading the page's code and its first queries; see `startPages`. */
    preload?: (queryClient: QueryClient, match: AnyRouteMatch) => Promise<unknown>;
  }
}

/** A match as a page's `queries` see it: the route's validated search and params. */
export interface PageMatch<TSearch = unknown, TParams = unknown> {
  search: TSearch;
  params: TParams;
}

/** What a route's page shows first; `prefetchQuery` calls, so failures stay the page's to show. */
type PageQueries<TSearch, TParams> = (
  queryClient: QueryClient,
  match: PageMatch<TSearch, TParams>,
) => Promise<unknown>[];

/**
 * A page whose code is its own chunk, downloaded when the route is first visited (or hovered),
 * so one area's visitors never download another's pages and libraries. `queries` are the
 * page's first requests, started beside the session check (the result is spread into
 * `createRoute`).
 */
export function page<TModule extends Record<string, unknown>, TSearch = unknown, TParams = unknown>(
  importer: () => Promise<TModule>,
  name: keyof TModule & string,
  queries?: PageQueries<TSearch, TParams>,
) {
  const component = lazyRouteComponent(importer, name);
  return {
    component,
    staticData: {
      preload: (queryClient: QueryClient, match: AnyRouteMatch) =>
        Promise.all([
          component.preload?.(),
          // The router validated the match's search and params with this route's own parsers.
          ...(queries?.(queryClient, {
            search: match.search as TSearch,
            params: match.params as TParams,
          }) ?? []),
        ]),
    },
  };
}

/**
 * Starts the session and every newly matched page's code and queries in the same tick, so on
 * a first visit they share one batched request beside the chunk downloads, instead of the
 * guards' `auth.me` going first and each page asking for its data after it rendered.
 * Failures are left to the page (its own error state) and the guards (redirects).
 */
export function startPages(
  queryClient: QueryClient,
  matches: AnyRouteMatch[],
  preload: boolean,
): void {
  const entering = matches.filter((match) => preload || match.cause === "enter");
  if (!entering.some((match) => match.staticData.preload)) return;
  void ensureMe(queryClient).catch(() => undefined);
  for (const match of entering) {
    void match.staticData.preload?.(queryClient, match).catch(() => undefined);
  }
}
