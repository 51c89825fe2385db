import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { Loader2Icon } from "lucide-react";
import { useId, useState } from "react";
import { toast } from "@/lib/toast";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { StaffMember } from "@/features/staff/search";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";

const adminRoute = getRouteApi("/admin");

/** Disable (after confirming) or re-enable one staff account; nobody disables themselves. */
export function StaffAccessCell({ member }: { member: StaffMember }) {
  const { me } = adminRoute.useRouteContext();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const reasonId = useId();
  const setDisabled = useMutation(
    trpc.admin.staff.setDisabled.mutationOptions({
      onSuccess: async (row) => {
        toast.success(
          `${member.name} ${row.disabled ? "is disabled and signed out everywhere" : "can sign in again"}.`,
        );
        setConfirming(false);
        setReason("");
        await queryClient.invalidateQueries(trpc.admin.staff.list.pathFilter());
      },
      onError: (error) => toast.error(errorInfo(error).message),
    }),
  );

  if (member.id === me.user.id) {
    return <span className="text-xs text-muted-foreground">You</span>;
  }
  if (member.disabled) {
    return (
      <Button
        variant="outline"
        size="sm"
        disabled={setDisabled.isPending}
        aria-label={`Enable ${member.name}`}
        onClick={() => setDisabled.mutate({ userId: member.id, disabled: false })}
      >
        {setDisabled.isPending && <Loader2Icon className="animate-spin" />}
        Enable
      </Button>
    );
  }
  return (
    <AlertDialog
      open={confirming}
      onOpenChange={(open) => {
        setConfirming(open);
        if (!open) setReason("");
      }}
    >
      <AlertDialogTrigger asChild>
        <Button variant="outline" size="sm" aria-label={`Disable ${member.name}`}>
          Disable
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Disable {member.name}?</AlertDialogTitle>
          <AlertDialogDescription>
            {member.email} is signed out on every device right away and cannot sign in until an
            admin enables the account again.
          </AlertDialogDescription>
        </AlertDialogHeader>
        <div className="grid gap-2">
          <Label htmlFor={reasonId}>Reason (optional)</Label>
          <Input
            id={reasonId}
            value={reason}
            maxLength={500}
            onChange={(event) => setReason(event.target.value)}
            placeholder="Kept with the audit record"
          />
        </div>
        <AlertDialogFooter>
          <AlertDialogCancel disabled={setDisabled.isPending}>Cancel</AlertDialogCancel>
          <Button
            variant="destructive"
            disabled={setDisabled.isPending}
            onClick={() =>
              setDisabled.mutate({
                userId: member.id,
                disabled: true,
                reason: reason.trim() || undefined,
              })
            }
          >
            {setDisabled.isPending && <Loader2Icon className="animate-spin" />}
            Disable account
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
