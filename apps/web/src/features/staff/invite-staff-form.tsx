import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { DialogFooter } from "@/components/ui/dialog";
import { FormControl, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { emailField, nameField } from "@/features/auth/fields";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import { ROLE_LABELS } from "@/features/auth/session";
import { ROLE_SUMMARIES, STAFF_ROLES } from "@/features/staff/search";
import { applyServerError } from "@/lib/form-errors";
import { toast } from "@/lib/toast";
import { trpc } from "@/lib/trpc";
import * as z from "@/lib/zod";

const inviteSchema = z.object({
  name: nameField,
  email: emailField,
  role: z.enum(STAFF_ROLES, { error: "Choose a role." }),
});

/** The invite form: its own chunk, loaded when the dialog opens. */
export function InviteStaffForm({ onInvited }: { onInvited: () => void }) {
  const queryClient = useQueryClient();
  const form = useForm({
    resolver: zodResolver(inviteSchema),
    defaultValues: { name: "", email: "", role: "support" as const },
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
      <TextField control={form.control} name="name" label="Name" autoComplete="off" />
      <TextField
        control={form.control}
        name="email"
        label="E-mail"
        type="email"
        autoComplete="off"
      />
      <FormField
        control={form.control}
        name="role"
        render={({ field }) => (
          <FormItem>
            <FormLabel>Role</FormLabel>
            <Select value={field.value} onValueChange={field.onChange}>
              <FormControl>
                <SelectTrigger className="w-full">
                  <SelectValue />
                </SelectTrigger>
              </FormControl>
              <SelectContent>
                {STAFF_ROLES.map((role) => (
                  <SelectItem key={role} value={role}>
                    {ROLE_LABELS[role]} — {ROLE_SUMMARIES[role]}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
            <FormMessage />
          </FormItem>
        )}
      />
      <DialogFooter>
        <SubmitButton pending={invite.isPending} pendingLabel="Sending…">
          Send invitation
        </SubmitButton>
      </DialogFooter>
    </FormWithAlert>
  );
}
