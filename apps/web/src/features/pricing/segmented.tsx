import type * as React from "react";
import { cn } from "@/lib/utils";

/**
 * A row of toggle buttons, one pressed (billing period, currency). Buttons with aria-pressed
 * rather than tabs: choosing one changes the cards in place, there are no tab panels.
 */
export function Segmented<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: { value: T; label: React.ReactNode }[];
  onChange: (value: T) => void;
}) {
  return (
    <div
      role="group"
      aria-label={label}
      className="inline-flex h-9 w-fit items-center rounded-lg bg-muted p-[3px] text-muted-foreground"
    >
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={o.value === value}
          onClick={() => onChange(o.value)}
          className={cn(
            "inline-flex h-full items-center gap-1.5 rounded-md border border-transparent px-2.5 text-sm font-medium whitespace-nowrap text-foreground outline-none transition-[color,box-shadow] focus-visible:ring-[3px] focus-visible:ring-ring/50",
            o.value === value
              ? "bg-background shadow-sm dark:border-input dark:bg-input/30"
              : "dark:text-muted-foreground",
          )}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
