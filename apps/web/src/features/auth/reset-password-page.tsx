import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { DocumentTitle } from "@/components/document-title";
import { AuthLayout } from "@/features/auth/auth-layout";
import type { AuthPageProps } from "@/features/auth/auth-pages";
import { newPasswordField } from "@/features/auth/fields";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import { useSubmit } from "@/features/auth/use-submit";
import { loadPage } from "@/lib/flash";
import { applyServerError } from "@/lib/form-errors";
import { trpcClient } from "@/lib/trpc-client";
import * as z from "@/lib/zod";

const resetSchema = z.object({ password: newPasswordField });

/** The page a reset e-mail links to (`?token=`): choose a new password, then sign in with it. */
export function ResetPasswordPage({ notice }: AuthPageProps) {
  const token = new URLSearchParams(window.location.search).get("token") ?? "";
  const form = useForm({ resolver: zodResolver(resetSchema), defaultValues: { password: "" } });
  const reset = useSubmit(
    async (values: z.infer<typeof resetSchema>) => {
      await trpcClient.auth.resetPassword.mutate({ token, password: values.password });
      return loadPage("/sign-in", {
        replace: true,
        flash: {
          kind: "success",
          message: "Your password is changed and every session was signed out. Sign in with it.",
        },
      });
    },
    (error) => applyServerError(form, error),
  );

  return (
    <AuthLayout notice={notice}>
      <DocumentTitle title="Choose a new password" />
      <div className="space-y-6">
        <div className="space-y-1.5">
          <h1 className="text-2xl font-semibold tracking-tight">Choose a new password</h1>
          <p className="text-sm text-muted-foreground">
            Every device signed in to your account is signed out when you save it.
          </p>
        </div>
        <FormWithAlert form={form} onSubmit={reset.submit}>
          <TextField
            control={form.control}
            name="password"
            label="New password"
            type="password"
            autoComplete="new-password"
            description="At least 10 characters. A few unrelated words work well."
            autoFocus
          />
          <SubmitButton className="w-full" pending={reset.pending} pendingLabel="Saving…">
            Save the new password
          </SubmitButton>
        </FormWithAlert>
        <p className="text-center text-sm text-muted-foreground">
          Link expired?{" "}
          <a
            href="/forgot-password"
            className="font-medium text-primary underline-offset-4 hover:underline"
          >
            Ask for a new one
          </a>
        </p>
      </div>
    </AuthLayout>
  );
}
