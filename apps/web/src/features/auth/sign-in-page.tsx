import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useRouter } from "@tanstack/react-router";
import { useForm } from "react-hook-form";
import { toast } from "@/lib/toast";
import * as z from "@/lib/zod";
import { DocumentTitle } from "@/components/document-title";
import { AuthLayout } from "@/features/auth/auth-layout";
import { emailField } from "@/features/auth/fields";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import { homeFor, rememberSession } from "@/features/auth/session";
import { applyServerError } from "@/lib/form-errors";
import { trpc } from "@/lib/trpc";

const signInSchema = z.object({
  email: emailField,
  password: z.string().check(z.minLength(1, { error: "Enter your password." })),
});

const routeApi = getRouteApi("/sign-in");

export function SignInPage() {
  const search = routeApi.useSearch();
  const router = useRouter();
  const queryClient = useQueryClient();
  const redirectTo = search.redirect;

  const form = useForm({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: "", password: "" },
  });

  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: async (me) => {
        rememberSession(queryClient, me);
        toast.success(`Welcome back, ${me.user.name}.`);
        await router.navigate({ href: redirectTo ?? homeFor(me.user.role), replace: true });
      },
      onError: (error) => {
        form.resetField("password", { keepError: false });
        applyServerError(form, error);
      },
    }),
  );

  return (
    <AuthLayout>
      <DocumentTitle title="Sign in" />
      <div className="space-y-6">
        <div className="space-y-1.5">
          <h1 className="text-2xl font-semibold tracking-tight">Sign in to Folio</h1>
          <p className="text-sm text-muted-foreground">
            Use the email and password of your Folio account.
          </p>
        </div>
        <FormWithAlert form={form} onSubmit={(values) => signIn.mutate(values)}>
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
          <SubmitButton className="w-full" pending={signIn.isPending} pendingLabel="Signing in…">
            Sign in
          </SubmitButton>
        </FormWithAlert>
        <p className="text-center text-sm text-muted-foreground">
          New to Folio?{" "}
          <Link
            to="/sign-up"
            search={{ redirect: redirectTo }}
            className="font-medium text-primary underline-offset-4 hover:underline"
          >
            Create an account
          </Link>
        </p>
      </div>
    </AuthLayout>
  );
}
