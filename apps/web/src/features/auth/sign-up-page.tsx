import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { DocumentTitle } from "@/components/document-title";
import { AuthLayout } from "@/features/auth/auth-layout";
import type { AuthPageProps } from "@/features/auth/auth-pages";
import { authPageHref } from "@/features/auth/destinations";
import { enterApp } from "@/features/auth/enter-app";
import {
  emailField,
  nameField,
  newPasswordField,
  PASSWORD_MIN_LENGTH,
} from "@/features/auth/fields";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import { useSubmit } from "@/features/auth/use-submit";
import { applyServerError } from "@/lib/form-errors";
import { trpcClient } from "@/lib/trpc-client";
import * as z from "@/lib/zod";

const signUpSchema = z.object({
  name: nameField,
  email: emailField,
  password: newPasswordField,
});

export function SignUpPage({ redirectTo, notice }: AuthPageProps) {
  const form = useForm({
    resolver: zodResolver(signUpSchema),
    defaultValues: { name: "", email: "", password: "" },
  });

  const signUp = useSubmit(
    async (values: z.infer<typeof signUpSchema>) => {
      const me = await trpcClient.auth.signUp.mutate(values);
      return enterApp(me, redirectTo, `Welcome to Folio, ${me.user.name}.`);
    },
    (error) => applyServerError(form, error, { CONFLICT: "email" }),
  );

  return (
    <AuthLayout notice={notice}>
      <DocumentTitle title="Create your account" />
      <div className="space-y-6">
        <div className="space-y-1.5">
          <h1 className="text-2xl font-semibold tracking-tight">Create your account</h1>
          <p className="text-sm text-muted-foreground">
            Manage your subscriptions, invoices and orders in one place.
          </p>
        </div>
        <FormWithAlert form={form} onSubmit={signUp.submit}>
          <TextField
            control={form.control}
            name="name"
            label="Name"
            autoComplete="name"
            placeholder="Jane Doe"
            autoFocus
          />
          <TextField
            control={form.control}
            name="email"
            label="Email"
            type="email"
            autoComplete="email"
            placeholder="you@company.com"
          />
          <TextField
            control={form.control}
            name="password"
            label="Password"
            type="password"
            autoComplete="new-password"
            description={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          />
          <SubmitButton
            className="w-full"
            pending={signUp.pending}
            pendingLabel="Creating account…"
          >
            Create account
          </SubmitButton>
        </FormWithAlert>
        <p className="text-center text-sm text-muted-foreground">
          Already have an account?{" "}
          <a
            href={authPageHref("/sign-in", redirectTo)}
            className="font-medium text-primary underline-offset-4 hover:underline"
          >
            Sign in
          </a>
        </p>
      </div>
    </AuthLayout>
  );
}
