import { UserPlusIcon } from "lucide-react";
import { lazy, Suspense, useState } from "react";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";

// The form (react-hook-form, zod) is its own chunk, loaded when the dialog first opens.
const CreateStaffForm = lazy(() =>
  import("@/features/staff/create-staff-form").then((module) => ({
    default: module.CreateStaffForm,
  })),
);

/** Adds a staff member with a role and an initial password the admin passes on to them. */
export function CreateStaffDialog() {
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null);

  const close = (next: boolean) => {
    setOpen(next);
    if (!next) setCreated(null);
  };

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogTrigger asChild>
        <Button>
          <UserPlusIcon aria-hidden="true" />
          Add staff member
        </Button>
      </DialogTrigger>
      <DialogContent>
        {created ? (
          <>
            <DialogHeader>
              <DialogTitle>Staff member added</DialogTitle>
              <DialogDescription>
                Give them these details in person or over a channel you trust. The password is not
                shown again; they can change it under Account once signed in.
              </DialogDescription>
            </DialogHeader>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 rounded-md border p-4 text-sm">
              <dt className="text-muted-foreground">Sign in at</dt>
              <dd className="break-all">{`${window.location.origin}/sign-in`}</dd>
              <dt className="text-muted-foreground">E-mail</dt>
              <dd className="break-all">{created.email}</dd>
              <dt className="text-muted-foreground">Password</dt>
              <dd className="font-mono break-all" data-testid="initial-password">
                {created.password}
              </dd>
            </dl>
            <DialogFooter>
              <Button onClick={() => close(false)}>Done</Button>
            </DialogFooter>
          </>
        ) : (
          <>
            <DialogHeader>
              <DialogTitle>Add a staff member</DialogTitle>
              <DialogDescription>
                They sign in with this e-mail and the initial password, and see what their role
                allows.
              </DialogDescription>
            </DialogHeader>
            <Suspense fallback={<Skeleton className="h-96 w-full" />}>
              <CreateStaffForm onCreated={setCreated} />
            </Suspense>
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}
