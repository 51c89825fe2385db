import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { toast } from "@/lib/toast";
import * as z from "@/lib/zod";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { newPasswordField, PASSWORD_MIN_LENGTH } from "@/features/auth/fields";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import { applyServerError } from "@/lib/form-errors";
import { trpc } from "@/lib/trpc";

const passwordSchema = z
  .object({
    currentPassword: z.string().check(z.minLength(1, { error: "Enter your current password." })),
    newPassword: newPasswordField,
    confirmPassword: z.string(),
  })
  .check(
    z.refine((v) => v.newPassword === v.confirmPassword, {
      error: "The two new passwords differ. Type the same one twice.",
      path: ["confirmPassword"],
    }),
  );

/** A new password; every other browser signed in to the account is signed out. */
export function PasswordForm() {
  const form = useForm({
    resolver: zodResolver(passwordSchema),
    defaultValues: { currentPassword: "", newPassword: "", confirmPassword: "" },
  });

  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: ({ sessionsEnded }) => {
        form.reset();
        toast.success(
          sessionsEnded === 0
            ? "Password changed."
            : `Password changed. ${sessionsEnded} other session${sessionsEnded === 1 ? " was" : "s were"} signed out.`,
        );
      },
      onError: (error) => {
        form.resetField("currentPassword", { keepError: false });
        applyServerError(form, error);
      },
    }),
  );

  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h2>Password</h2>
        </CardTitle>
        <CardDescription>
          Changing it signs you out on every other device; this browser stays signed in.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <FormWithAlert
          form={form}
          onSubmit={({ currentPassword, newPassword }) =>
            change.mutate({ currentPassword, newPassword })
          }
        >
          <TextField
            control={form.control}
            name="currentPassword"
            label="Current password"
            type="password"
            autoComplete="current-password"
          />
          <TextField
            control={form.control}
            name="newPassword"
            label="New password"
            type="password"
            autoComplete="new-password"
            description={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          />
          <TextField
            control={form.control}
            name="confirmPassword"
            label="New password again"
            type="password"
            autoComplete="new-password"
          />
          <SubmitButton pending={change.isPending} pendingLabel="Changing…">
            Change password
          </SubmitButton>
        </FormWithAlert>
      </CardContent>
    </Card>
  );
}
