import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "@tanstack/react-router";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "@/lib/toast";
import * as z from "@/lib/zod";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { emailField, nameField } from "@/features/auth/fields";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import { meQueryKey, type Me } from "@/features/auth/session";
import { applyServerError } from "@/lib/form-errors";
import { trpc } from "@/lib/trpc";

const profileSchema = z.object({
  name: nameField,
  email: emailField,
  currentPassword: z
    .string()
    .check(z.minLength(1, { error: "Enter your current password to confirm." })),
});

/** Name and email, confirmed with the current password. Invoices are addressed with them. */
export function ProfileForm({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  // One attempt per visit of the form: a retry of the same save replays, a new save is new.
  const [attemptId, setAttemptId] = useState(() => crypto.randomUUID());
  const form = useForm({
    resolver: zodResolver(profileSchema),
    defaultValues: { name: me.user.name, email: me.user.email, currentPassword: "" },
  });

  const save = useMutation(
    trpc.account.updateProfile.mutationOptions({
      onSuccess: async (profile) => {
        form.reset({ name: profile.name, email: profile.email, currentPassword: "" });
        setAttemptId(crypto.randomUUID());
        if (!profile.changed) {
          toast.info("Nothing to change: your name and email are already these.");
          return;
        }
        // The session now reads the new details; the frame's greeting and menu follow.
        queryClient.setQueryData(meQueryKey(), (old) =>
          old ? { ...old, user: { ...old.user, name: profile.name, email: profile.email } } : old,
        );
        await router.invalidate();
        toast.success(
          profile.pendingEmail
            ? `We sent a confirmation link to ${profile.pendingEmail}: your email changes when you open it (within 30 minutes).`
            : "Your name and email are saved.",
        );
      },
      onError: (error) => {
        form.resetField("currentPassword", { keepError: false });
        applyServerError(form, error, { CONFLICT: "email" });
      },
    }),
  );

  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h2>Name and email</h2>
        </CardTitle>
        <CardDescription>
          You sign in with this email, and your invoices are addressed to this name and email.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <FormWithAlert form={form} onSubmit={(values) => save.mutate({ ...values, attemptId })}>
          <TextField control={form.control} name="name" label="Name" autoComplete="name" />
          <TextField
            control={form.control}
            name="email"
            label="Email"
            type="email"
            autoComplete="email"
          />
          <TextField
            control={form.control}
            name="currentPassword"
            label="Current password"
            type="password"
            autoComplete="current-password"
            description="Confirms it's you making the change."
          />
          <SubmitButton pending={save.isPending} pendingLabel="Saving…">
            Save name and email
          </SubmitButton>
        </FormWithAlert>
      </CardContent>
    </Card>
  );
}
