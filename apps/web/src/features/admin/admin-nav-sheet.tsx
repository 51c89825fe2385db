import { useState } from "react";
import type { LoadedPopupProps } from "@/components/deferred-popup";
import {
  Sheet,
  SheetContent,
  SheetDescription,
  SheetTitle,
  SheetTrigger,
} from "@/components/ui/sheet";
import { AdminSidebar } from "@/features/admin/admin-sidebar";
import type { Me } from "@/features/auth/session";

/** The sections as a sheet on small screens, loaded when first opened (see `AdminLayout`). */
export function AdminNavSheet({ me, trigger, defaultOpen }: { me: Me } & LoadedPopupProps) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <Sheet open={open} onOpenChange={setOpen}>
      <SheetTrigger asChild>{trigger}</SheetTrigger>
      <SheetContent side="left" className="w-72 gap-0 p-0">
        <SheetTitle className="sr-only">Admin navigation</SheetTitle>
        <SheetDescription className="sr-only">Sections of the admin console</SheetDescription>
        <AdminSidebar me={me} onNavigate={() => setOpen(false)} />
      </SheetContent>
    </Sheet>
  );
}
