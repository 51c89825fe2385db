import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useState } from "react";
import { useForm } from "react-hook-form";
import { DocumentTitle } from "@/components/document-title";
import { AuthLayout } from "@/features/auth/auth-layout";
import type { AuthPageProps } from "@/features/auth/auth-pages";
import { enterApp } from "@/features/auth/enter-app";
import { newPasswordField } from "@/features/auth/fields";
import { FormAlert } from "@/features/auth/form-alert";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import { useSubmit } from "@/features/auth/use-submit";
import { errorInfo } from "@/lib/errors";
import { applyServerError } from "@/lib/form-errors";
import { trpcClient } from "@/lib/trpc-client";
import * as z from "@/lib/zod";

const acceptSchema = z.object({ password: newPasswordField });

type Invitation = { email: string; name: string; role: string };

/** The page a staff invitation links to (`?token=`): choose a password and join. */
export function AcceptInvitationPage({ notice }: AuthPageProps) {
  const token = new URLSearchParams(window.location.search).get("token") ?? "";
  const [invitation, setInvitation] = useState<Invitation | { error: string }>();
  useEffect(() => {
    trpcClient.auth.invitation
      .query({ token })
      .then(setInvitation, (error: unknown) => setInvitation({ error: errorInfo(error).message }));
  }, [token]);
  const form = useForm({ resolver: zodResolver(acceptSchema), defaultValues: { password: "" } });
  const accept = useSubmit(
    async (values: z.infer<typeof acceptSchema>) => {
      const me = await trpcClient.auth.acceptInvitation.mutate({ token, ...values });
      return enterApp(me, undefined, `Welcome to Folio, ${me.user.name}.`);
    },
    (error) => applyServerError(form, error),
  );

  return (
    <AuthLayout notice={notice}>
      <DocumentTitle title="Accept your invitation" />
      <div className="space-y-6">
        <div className="space-y-1.5">
          <h1 className="text-2xl font-semibold tracking-tight">Join the Folio console</h1>
          <p className="text-sm text-muted-foreground">
            {invitation && "email" in invitation
              ? `You were invited as ${invitation.role}. Choose a password for ${invitation.email}.`
              : "Choose the password of your new staff account."}
          </p>
        </div>
        {invitation && "error" in invitation ? (
          <FormAlert
            message={`${invitation.error} Ask the administrator who invited you to send a new invitation.`}
          />
        ) : (
          <FormWithAlert form={form} onSubmit={accept.submit}>
            <TextField
              control={form.control}
              name="password"
              label="Password"
              type="password"
              autoComplete="new-password"
              description="At least 10 characters. A few unrelated words work well."
              autoFocus
            />
            <SubmitButton className="w-full" pending={accept.pending} pendingLabel="Creating…">
              Create my account
            </SubmitButton>
          </FormWithAlert>
        )}
      </div>
    </AuthLayout>
  );
}
