import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useId, useState } from "react";
import { toast } from "@/lib/toast";
import { PendingButton } from "@/components/pending-button";
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
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { ChoiceSelect } from "@/components/choice-select";
import { ROLE_LABELS } from "@/features/auth/session";
import { ROLE_SUMMARIES, STAFF_ROLES, type StaffMember } from "@/features/staff/search";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";

const adminRoute = getRouteApi("/admin");
type StaffRole = (typeof STAFF_ROLES)[number];
const ROLE_CHOICES = STAFF_ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

/** A staff member's role, changeable (after confirming) by another admin; your own is fixed. */
export function StaffRoleCell({ member }: { member: StaffMember }) {
  const { me } = adminRoute.useRouteContext();
  const queryClient = useQueryClient();
  const [target, setTarget] = useState<StaffRole | null>(null);
  const [reason, setReason] = useState("");
  const reasonId = useId();
  const setRole = useMutation(
    trpc.admin.staff.setRole.mutationOptions({
      onSuccess: async (row) => {
        toast.success(`${member.name} is now ${ROLE_LABELS[row.role]}.`);
        setTarget(null);
        setReason("");
        await queryClient.invalidateQueries(trpc.admin.staff.list.pathFilter());
      },
      onError: (error) => toast.error(errorInfo(error).message),
    }),
  );

  if (member.id === me.user.id || member.role === "customer") {
    return <Badge variant="secondary">{ROLE_LABELS[member.role]}</Badge>;
  }
  return (
    <>
      <ChoiceSelect
        size="sm"
        className="w-36"
        aria-label={`Role of ${member.name}`}
        value={member.role}
        choices={ROLE_CHOICES}
        onValueChange={setTarget}
      />
      <AlertDialog
        open={target !== null}
        onOpenChange={(open) => {
          if (!open) {
            setTarget(null);
            setReason("");
          }
        }}
      >
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>
              Make {member.name} {target ? ROLE_LABELS[target] : ""}?
            </AlertDialogTitle>
            <AlertDialogDescription>
              {member.email} changes from {ROLE_LABELS[member.role]} to{" "}
              {target ? `${ROLE_LABELS[target]} (${ROLE_SUMMARIES[target]})` : ""} on their next
              page load.
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
            <AlertDialogCancel disabled={setRole.isPending}>Cancel</AlertDialogCancel>
            <PendingButton
              pending={setRole.isPending}
              onClick={() =>
                target &&
                setRole.mutate({
                  userId: member.id,
                  role: target,
                  reason: reason.trim() || undefined,
                })
              }
            >
              Change role
            </PendingButton>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </>
  );
}
