import { useDeferredValue, type ReactNode } from "react";

/**
 * Shows `fallback` first and draws `children` in a background render. The router mounts a frame
 * and its first page in one synchronous update: on a phone that was a single task of 300–500 ms
 * with nothing able to respond to a tap. Drawn in the background, React splits the same work into
 * slices of a few milliseconds. Only the first mount waits; later renders go straight through.
 */
export function MountInBackground({
  fallback,
  children,
}: {
  fallback: ReactNode;
  children: ReactNode;
}) {
  const mounted = useDeferredValue(true, false);
  return mounted ? children : fallback;
}
