import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useRouter } from "@tanstack/react-router";
import { useForm } from "react-hook-form";
import { toast } from "@/lib/toast";
import * as z from "@/lib/zod";
import { DocumentTitle } from "@/components/document-title";
import { AuthLayout } from "@/features/auth/auth-layout";
import {
  emailField,
  nameField,
  newPasswordField,
  PASSWORD_MIN_LENGTH,
} from "@/features/auth/fields";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import { homeFor, rememberSession } from "@/features/auth/session";
import { applyServerError } from "@/lib/form-errors";
import { trpc } from "@/lib/trpc";

const signUpSchema = z.object({
  name: nameField,
  email: emailField,
  password: newPasswordField,
});

const routeApi = getRouteApi("/sign-up");

export function SignUpPage() {
  const search = routeApi.useSearch();
  const router = useRouter();
  const queryClient = useQueryClient();
  const redirectTo = search.redirect;

  const form = useForm({
    resolver: zodResolver(signUpSchema),
    defaultValues: { name: "", email: "", password: "" },
  });

  const signUp = useMutation(
    trpc.auth.signUp.mutationOptions({
      onSuccess: async (me) => {
        rememberSession(queryClient, me);
        toast.success(`Welcome to Folio, ${me.user.name}.`);
        await router.navigate({ href: redirectTo ?? homeFor(me.user.role), replace: true });
      },
      onError: (error) => applyServerError(form, error, { CONFLICT: "email" }),
    }),
  );

  return (
    <AuthLayout>
      <DocumentTitle title="Create your account" />
      <div className="space-y-6">
        <div className="space-y-1.5">
          <h1 className="text-2xl font-semibold tracking-tight">Create your account</h1>
          <p className="text-sm text-muted-foreground">
            Manage your subscriptions, invoices and orders in one place.
          </p>
        </div>
        <FormWithAlert form={form} onSubmit={(values) => signUp.mutate(values)}>
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
            pending={signUp.isPending}
            pendingLabel="Creating account…"
          >
            Create account
          </SubmitButton>
        </FormWithAlert>
        <p className="text-center text-sm text-muted-foreground">
          Already have an account?{" "}
          <Link
            to="/sign-in"
            search={{ redirect: redirectTo }}
            className="font-medium text-primary underline-offset-4 hover:underline"
          >
            Sign in
          </Link>
        </p>
      </div>
    </AuthLayout>
  );
}
