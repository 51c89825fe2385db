import type { UseQueryResult } from "@tanstack/react-query";
import { useDeferredValue } from "react";

/** What a view needs of a query whose data it draws deferred (see `useDeferredQuery`). */
export interface DeferredQuery<TData> {
  /** Undefined until the data has been drawn in a background render. */
  data: TData | undefined;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/**
 * `query` with its data handed over through `useDeferredValue`. A query's result reaches React
 * as a synchronous update, so a page whose queries answer together drew everything in one
 * uninterruptible task (hundreds of milliseconds on a phone). Deferred, the data is drawn in a
 * background render that React splits into short slices; until then the view shows "pending".
 */
export function useDeferredQuery<TData, TError>(
  query: UseQueryResult<TData, TError>,
): DeferredQuery<TData> {
  const data = useDeferredValue(query.data);
  return {
    data,
    isPending: data === undefined && !query.isError,
    isError: query.isError,
    error: query.error,
    refetch: query.refetch,
  };
}
