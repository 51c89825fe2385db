import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { toast } from "@/lib/toast";
import * as z from "@/lib/zod";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { newPasswordField } from "@/features/auth/fields";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import { ROLE_LABELS } from "@/features/auth/session";
import {
  StaffIdentityFields,
  staffIdentityDefaults,
  staffIdentityShape,
} from "@/features/staff/staff-identity-fields";
import { applyServerError } from "@/lib/form-errors";
import { trpc } from "@/lib/trpc";

const createSchema = z.object({ ...staffIdentityShape, password: newPasswordField });

/** 16 characters from an unambiguous alphabet, from the browser's CSPRNG. */
function generatePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** The add-staff form: its own chunk (react-hook-form, zod), loaded when the dialog opens. */
export function CreateStaffForm({
  onCreated,
}: {
  onCreated: (created: { email: string; password: string }) => void;
}) {
  const queryClient = useQueryClient();
  const form = useForm({
    resolver: zodResolver(createSchema),
    defaultValues: { ...staffIdentityDefaults, password: "" },
  });
  const create = useMutation(
    trpc.admin.staff.create.mutationOptions({
      onSuccess: async (user, input) => {
        onCreated({ email: user.email, password: input.password });
        toast.success(`${user.name} can now sign in as ${ROLE_LABELS[user.role]}.`);
        await queryClient.invalidateQueries(trpc.admin.staff.list.pathFilter());
      },
      onError: (error) => applyServerError(form, error, { CONFLICT: "email" }),
    }),
  );

  return (
    <FormWithAlert form={form} onSubmit={(values) => create.mutate(values)}>
      <StaffIdentityFields />
      <TextField
        control={form.control}
        name="password"
        label="Initial password"
        type="text"
        autoComplete="new-password"
        spellCheck={false}
        description="At least 10 characters. Shown once more after saving."
      />
      <Button
        type="button"
        variant="outline"
        size="sm"
        onClick={() => form.setValue("password", generatePassword(), { shouldValidate: true })}
      >
        Generate a password
      </Button>
      <DialogFooter>
        <SubmitButton pending={create.isPending} pendingLabel="Adding…">
          Add staff member
        </SubmitButton>
      </DialogFooter>
    </FormWithAlert>
  );
}
