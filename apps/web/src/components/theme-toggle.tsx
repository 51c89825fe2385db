import { MoonIcon, SunIcon } from "lucide-react";
import { DeferredPopup } from "@/components/deferred-popup";
import { Button } from "@/components/ui/button";
import { useTheme } from "@/lib/theme";

const loadThemeMenu = () => import("@/components/theme-menu").then((module) => module.ThemeMenu);

/** Icon button for pages without a user menu (sign in, sign up); the menu loads when wanted. */
export function ThemeToggle() {
  const { resolvedTheme } = useTheme();
  return (
    <DeferredPopup
      popup="menu"
      load={loadThemeMenu}
      props={{}}
      renderTrigger={(props) => (
        <Button variant="ghost" size="icon" aria-label="Change theme" {...props}>
          {resolvedTheme === "dark" ? <MoonIcon /> : <SunIcon />}
        </Button>
      )}
    />
  );
}
