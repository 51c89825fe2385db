import { LogOutIcon, MonitorSmartphoneIcon, PaletteIcon } from "lucide-react";
import { useState } from "react";
import { ThemeRadioItems } from "@/components/theme-toggle";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuGroup,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuSub,
  DropdownMenuSubContent,
  DropdownMenuSubTrigger,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { ROLE_LABELS, type Me } from "@/features/auth/session";
import { useSignOut } from "@/features/auth/use-sign-out";

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : [parts[0]];
  return letters
    .map((part) => part?.[0] ?? "")
    .join("")
    .toUpperCase();
}

export function UserMenu({ me }: { me: Me }) {
  const { signOut, signOutEverywhere } = useSignOut();
  const [confirmEverywhere, setConfirmEverywhere] = useState(false);
  const { user } = me;

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          {/* Named by its text (not aria-label), so the name contains what is visible. */}
          <Button variant="ghost" className="h-9 gap-2 px-1.5 sm:pr-3">
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
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end" className="w-64">
          <DropdownMenuLabel className="flex flex-col gap-1 font-normal">
            <span className="truncate text-sm font-medium">{user.name}</span>
            <span className="truncate text-xs text-muted-foreground">{user.email}</span>
            <Badge variant="secondary" className="mt-1">
              {ROLE_LABELS[user.role]}
            </Badge>
          </DropdownMenuLabel>
          <DropdownMenuSeparator />
          <DropdownMenuSub>
            <DropdownMenuSubTrigger>
              <PaletteIcon />
              Theme
            </DropdownMenuSubTrigger>
            <DropdownMenuSubContent className="w-40">
              <ThemeRadioItems />
            </DropdownMenuSubContent>
          </DropdownMenuSub>
          <DropdownMenuSeparator />
          <DropdownMenuGroup>
            <DropdownMenuItem disabled={signOut.isPending} onSelect={() => signOut.mutate()}>
              <LogOutIcon />
              Sign out
            </DropdownMenuItem>
            <DropdownMenuItem variant="destructive" onSelect={() => setConfirmEverywhere(true)}>
              <MonitorSmartphoneIcon />
              Sign out everywhere…
            </DropdownMenuItem>
          </DropdownMenuGroup>
        </DropdownMenuContent>
      </DropdownMenu>

      <AlertDialog open={confirmEverywhere} onOpenChange={setConfirmEverywhere}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Sign out on every device?</AlertDialogTitle>
            <AlertDialogDescription>
              This ends every Folio session for {user.email}, including this one. You will need to
              sign in again on each browser and device.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel disabled={signOutEverywhere.isPending}>Cancel</AlertDialogCancel>
            {/* A plain button, not AlertDialogAction, so the dialog stays open while pending. */}
            <Button
              variant="destructive"
              disabled={signOutEverywhere.isPending}
              onClick={() => signOutEverywhere.mutate()}
            >
              {signOutEverywhere.isPending ? "Signing out…" : "Sign out everywhere"}
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </>
  );
}
