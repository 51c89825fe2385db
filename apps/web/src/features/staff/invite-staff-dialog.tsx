import { MailPlusIcon } from "lucide-react";
import { lazy, Suspense, useState } from "react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";

const InviteStaffForm = lazy(() =>
  import("@/features/staff/invite-staff-form").then((module) => ({
    default: module.InviteStaffForm,
  })),
);

/** Invites a staff member by e-mail: they choose their own password from the link. */
export function InviteStaffDialog() {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="outline">
          <MailPlusIcon aria-hidden="true" />
          Invite by e-mail
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Invite a staff member</DialogTitle>
          <DialogDescription>
            They get an e-mail with a link to choose their password; their account exists once they
            accept. Nobody else ever sees the password.
          </DialogDescription>
        </DialogHeader>
        <Suspense fallback={<Skeleton className="h-72 w-full" />}>
          <InviteStaffForm onInvited={() => setOpen(false)} />
        </Suspense>
      </DialogContent>
    </Dialog>
  );
}
