import { DeferredPopup } from "@/components/deferred-popup";
import { Button } from "@/components/ui/button";
import type { Me } from "@/features/auth/session";

const loadAccountMenu = () =>
  import("@/features/auth/account-menu").then((module) => module.AccountMenu);

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : [parts[0]];
  return letters
    .map((part) => part?.[0] ?? "")
    .join("")
    .toUpperCase();
}

/** The account button in the top bar; its menu (Radix) loads when wanted. */
export function UserMenu({ me }: { me: Me }) {
  const { user } = me;
  return (
    <DeferredPopup
      popup="menu"
      load={loadAccountMenu}
      props={{ me }}
      renderTrigger={(props) => (
        // Named by its text (not aria-label), so the name contains what is visible.
        <Button variant="ghost" className="h-9 gap-2 px-1.5 sm:pr-3" {...props}>
          <span className="sr-only">Account menu for </span>
          <span
            aria-hidden="true"
            className="flex size-7 items-center justify-center rounded-full bg-primary text-xs font-semibold text-primary-foreground"
          >
            {initials(user.name) || "?"}
          </span>
          <span className="sr-only max-w-40 truncate text-sm font-medium sm:not-sr-only">
            {user.name}
          </span>
        </Button>
      )}
    />
  );
}
