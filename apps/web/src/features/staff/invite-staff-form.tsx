import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { DialogFooter } from "@/components/ui/dialog";
import { FormWithAlert, SubmitButton } from "@/features/auth/form-fields";
import {
  StaffIdentityFields,
  staffIdentityDefaults,
  staffIdentityShape,
} from "@/features/staff/staff-identity-fields";
import { applyServerError } from "@/lib/form-errors";
import { toast } from "@/lib/toast";
import { trpc } from "@/lib/trpc";
import * as z from "@/lib/zod";

const inviteSchema = z.object(staffIdentityShape);

/** The invite form: its own chunk, loaded when the dialog opens. */
export function InviteStaffForm({ onInvited }: { onInvited: () => void }) {
  const queryClient = useQueryClient();
  const form = useForm({
    resolver: zodResolver(inviteSchema),
    defaultValues: staffIdentityDefaults,
  });
  const invite = useMutation(
    trpc.admin.staff.invite.mutationOptions({
      onSuccess: async ({ email }) => {
        toast.success(`Invitation sent to ${email}. The link works for 7 days.`);
        onInvited();
        await queryClient.invalidateQueries(trpc.admin.staff.invitations.pathFilter());
      },
      onError: (error) => applyServerError(form, error, { CONFLICT: "email" }),
    }),
  );

  return (
    <FormWithAlert form={form} onSubmit={(values) => invite.mutate(values)}>
      <StaffIdentityFields />
      <DialogFooter>
        <SubmitButton pending={invite.isPending} pendingLabel="Sending…">
          Send invitation
        </SubmitButton>
      </DialogFooter>
    </FormWithAlert>
  );
}
