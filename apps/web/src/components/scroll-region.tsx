import type * as React from "react";
import { useOverflows } from "@/lib/use-overflows";
import { cn } from "@/lib/utils";

/**
 * A box that scrolls its content (give it the overflow classes). While the content overflows it
 * is a named, focusable region, so keyboard users can scroll it with the arrow keys.
 */
export function ScrollRegion({
  label,
  className,
  ...props
}: Omit<React.ComponentProps<"div">, "ref"> & { label: string }) {
  const [ref, overflows] = useOverflows<HTMLDivElement>();
  return (
    <div
      ref={ref}
      className={cn(
        "outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:ring-inset",
        className,
      )}
      {...(overflows ? { tabIndex: 0, role: "region", "aria-label": label } : {})}
      {...props}
    />
  );
}
