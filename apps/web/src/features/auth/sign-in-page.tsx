import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { DocumentTitle } from "@/components/document-title";
import { AuthLayout } from "@/features/auth/auth-layout";
import { authPageHref } from "@/features/auth/destinations";
import { emailField } from "@/features/auth/fields";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import type { AuthPageProps } from "@/features/auth/auth-pages";
import { enterApp } from "@/features/auth/enter-app";
import { useSubmit } from "@/features/auth/use-submit";
import { applyServerError } from "@/lib/form-errors";
import { trpcClient } from "@/lib/trpc-client";
import * as z from "@/lib/zod";

const signInSchema = z.object({
  email: emailField,
  password: z.string().check(z.minLength(1, { error: "Enter your password." })),
});

export function SignInPage({ redirectTo, notice }: AuthPageProps) {
  const form = useForm({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: "", password: "" },
  });

  const signIn = useSubmit(
    async (values: z.infer<typeof signInSchema>) => {
      const me = await trpcClient.auth.signIn.mutate(values);
      return enterApp(me, redirectTo, `Welcome back, ${me.user.name}.`);
    },
    (error) => {
      form.resetField("password", { keepError: false });
      applyServerError(form, error);
    },
  );

  return (
    <AuthLayout notice={notice}>
      <DocumentTitle title="Sign in" />
      <div className="space-y-6">
        <div className="space-y-1.5">
          <h1 className="text-2xl font-semibold tracking-tight">Sign in to Folio</h1>
          <p className="text-sm text-muted-foreground">
            Use the email and password of your Folio account.
          </p>
        </div>
        <FormWithAlert form={form} onSubmit={signIn.submit}>
          <TextField
            control={form.control}
            name="email"
            label="Email"
            type="email"
            autoComplete="email"
            placeholder="you@company.com"
            autoFocus
          />
          <TextField
            control={form.control}
            name="password"
            label="Password"
            type="password"
            autoComplete="current-password"
          />
          <p className="-mt-2 text-right text-sm">
            <a
              href="/forgot-password"
              className="font-medium text-primary underline-offset-4 hover:underline"
            >
              Forgot password?
            </a>
          </p>
          <SubmitButton className="w-full" pending={signIn.pending} pendingLabel="Signing in…">
            Sign in
          </SubmitButton>
        </FormWithAlert>
        <p className="text-center text-sm text-muted-foreground">
          New to Folio?{" "}
          <a
            href={authPageHref("/sign-up", redirectTo)}
            className="font-medium text-primary underline-offset-4 hover:underline"
          >
            Create an account
          </a>
        </p>
      </div>
    </AuthLayout>
  );
}
