import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { DocumentTitle } from "@/components/document-title";
import { AuthLayout } from "@/features/auth/auth-layout";
import type { AuthPageProps } from "@/features/auth/auth-pages";
import { emailField } from "@/features/auth/fields";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import { useSubmit } from "@/features/auth/use-submit";
import { applyServerError } from "@/lib/form-errors";
import { trpcClient } from "@/lib/trpc-client";
import * as z from "@/lib/zod";

const forgotSchema = z.object({ email: emailField });

/** "Forgot password?": asks for a reset link. The answer never says whether an account exists. */
export function ForgotPasswordPage({ notice }: AuthPageProps) {
  const [sentTo, setSentTo] = useState<string>();
  const form = useForm({ resolver: zodResolver(forgotSchema), defaultValues: { email: "" } });
  const request = useSubmit(
    async (values: z.infer<typeof forgotSchema>) => {
      await trpcClient.auth.requestPasswordReset.mutate(values);
      setSentTo(values.email);
    },
    (error) => applyServerError(form, error),
  );

  return (
    <AuthLayout notice={notice}>
      <DocumentTitle title="Reset your password" />
      <div className="space-y-6">
        <div className="space-y-1.5">
          <h1 className="text-2xl font-semibold tracking-tight">Reset your password</h1>
          <p className="text-sm text-muted-foreground">
            We e-mail you a link to choose a new password.
          </p>
        </div>
        {sentTo ? (
          <div role="status" className="space-y-2 rounded-lg border bg-muted/40 p-4 text-sm">
            <p className="font-medium">Check your inbox</p>
            <p className="text-muted-foreground">
              If {sentTo} has a Folio account, a reset link is on its way. It works once, for 30
              minutes. Nothing arrived? Check your spam folder or ask again in a few minutes.
            </p>
          </div>
        ) : (
          <FormWithAlert form={form} onSubmit={request.submit}>
            <TextField
              control={form.control}
              name="email"
              label="Email"
              type="email"
              autoComplete="email"
              placeholder="you@company.com"
              autoFocus
            />
            <SubmitButton className="w-full" pending={request.pending} pendingLabel="Sending…">
              Send the reset link
            </SubmitButton>
          </FormWithAlert>
        )}
        <p className="text-center text-sm text-muted-foreground">
          Remembered it?{" "}
          <a
            href="/sign-in"
            className="font-medium text-primary underline-offset-4 hover:underline"
          >
            Sign in
          </a>
        </p>
      </div>
    </AuthLayout>
  );
}
