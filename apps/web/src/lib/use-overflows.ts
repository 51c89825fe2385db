import { useEffect, useRef, useState } from "react";

/**
 * Whether the element's content is larger than its box (it scrolls), kept current as either
 * resizes. Scroll containers use it to join the tab order only while there is something to
 * scroll, so keyboard users can reach the hidden part (axe: scrollable-region-focusable).
 */
export function useOverflows<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [overflows, setOverflows] = useState(false);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () =>
      setOverflows(
        element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight,
      );
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    // The box can stay the same size while its content grows (data arriving), so watch both.
    for (const child of element.children) observer.observe(child);
    const mutations = new MutationObserver(() => {
      observer.disconnect();
      observer.observe(element);
      for (const child of element.children) observer.observe(child);
      measure();
    });
    mutations.observe(element, { childList: true });
    return () => {
      observer.disconnect();
      mutations.disconnect();
    };
  }, []);

  return [ref, overflows] as const;
}
