import { useEffect, useRef, useState } from "react";
import type * as React from "react";

/**
 * Shows `placeholder` until it comes within `margin` of the viewport, then `children`, each in
 * a task of its own. Charts cost hundreds of milliseconds of main thread to draw on a phone;
 * drawing them all with the page's first render blocked it for that long, for charts a phone
 * shows only after scrolling. A browser without IntersectionObserver draws at once.
 */
export function RenderWhenVisible({
  placeholder,
  children,
  margin = "200px",
}: {
  placeholder: React.ReactNode;
  children: React.ReactNode;
  margin?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(() => typeof IntersectionObserver === "undefined");
  useEffect(() => {
    const element = ref.current;
    if (visible || !element) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        observer.disconnect();
        // A task of its own, so several charts coming into view at once are not one long task.
        timer = setTimeout(() => setVisible(true));
      },
      { rootMargin: margin },
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, [visible, margin]);
  if (visible) return children;
  return <div ref={ref}>{placeholder}</div>;
}
