import type * as React from "react";
import { cn } from "@/lib/utils";

/**
 * The browser's own <select>, styled like <Input>: a short fixed list in a form, where the
 * native control is the most accessible choice (keyboard, screen readers, mobile pickers).
 */
export function NativeSelect({ className, ...props }: React.ComponentProps<"select">) {
  return (
    <select
      className={cn(
        "flex h-9 w-full min-w-0 rounded-md border border-input bg-transparent px-3 py-1 text-base shadow-xs outline-none md:text-sm dark:bg-input/30 [&>option]:bg-background [&>option]:text-foreground",
        "focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50",
        "aria-invalid:border-destructive aria-invalid:ring-destructive/20 dark:aria-invalid:ring-destructive/40",
        className,
      )}
      {...props}
    />
  );
}
