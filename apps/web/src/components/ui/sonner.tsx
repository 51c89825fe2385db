import { Toaster as Sonner, type ToasterProps } from "sonner";
import type * as React from "react";
import { useTheme } from "@/lib/theme";

// Sonner's light rich colours put mid-tone text on pale backgrounds (about 4:1); these darker
// shades of the same hues reach WCAG AA's 4.5:1. Its dark-theme colours already do.
const LIGHT_RICH_TEXT = {
  "--success-text": "hsl(140, 100%, 22%)",
  "--info-text": "hsl(210, 92%, 36%)",
  "--warning-text": "hsl(31, 92%, 30%)",
  "--error-text": "hsl(360, 100%, 38%)",
};

export function Toaster(props: ToasterProps) {
  const { resolvedTheme } = useTheme();
  return (
    <Sonner
      // Without it sonner reads the document's computed direction on every render, a forced
      // style recalculation of the whole page (the app is English, left to right).
      dir="ltr"
      theme={resolvedTheme}
      className="toaster group"
      style={
        {
          "--normal-bg": "var(--popover)",
          "--normal-text": "var(--popover-foreground)",
          "--normal-border": "var(--border)",
          ...(resolvedTheme === "light" ? LIGHT_RICH_TEXT : {}),
        } as React.CSSProperties
      }
      {...props}
    />
  );
}
