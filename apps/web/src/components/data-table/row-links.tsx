import { useRouter } from "@tanstack/react-router";
import { useRef, type FocusEvent, type MouseEvent, type ReactNode } from "react";

// A router <Link> per table row subscribes every row to the router's state and builds its
// location on each render: on a throttled phone that was a third of the admin orders list's
// render time. Rows render plain anchors instead, and the table's container handles them once:
// a plain click navigates in the app, hover and focus preload the page like a <Link> would, and
// modified clicks (new tab, download) stay the browser's.

const SELECTOR = "a[data-row-link]";

/** A link in a table row; works only inside an element given `useRowLinks()`'s handlers. */
export function RowLink({
  href,
  className,
  children,
}: {
  href: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <a href={href} className={className} data-row-link="">
      {children}
    </a>
  );
}

function rowLinkOf(event: { target: EventTarget }): HTMLAnchorElement | null {
  return event.target instanceof Element ? event.target.closest(SELECTOR) : null;
}

/** Handlers to spread on the element around a table whose rows use `RowLink`. */
export function useRowLinks() {
  const router = useRouter();
  const preloaded = useRef<string | null>(null);
  const preload = (event: MouseEvent | FocusEvent) => {
    const href = rowLinkOf(event)?.getAttribute("href");
    if (!href || href === preloaded.current) return;
    preloaded.current = href;
    // The location is built from `href` (its path and search replace `to`), as for navigate().
    router.preloadRoute({ to: ".", href }).catch(() => undefined);
  };
  return {
    onClick: (event: MouseEvent) => {
      const href = rowLinkOf(event)?.getAttribute("href");
      const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
      if (!href || event.defaultPrevented || event.button !== 0 || modified) return;
      event.preventDefault();
      void router.navigate({ href });
    },
    onMouseOver: preload,
    onFocus: preload,
  };
}
