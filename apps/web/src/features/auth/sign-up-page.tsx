import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useRouter } from "@tanstack/react-router";
import { Loader2Icon } from "lucide-react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { DocumentTitle } from "@/components/document-title";
import { Button } from "@/components/ui/button";
import {
  Form,
  FormControl,
  FormDescription,
  FormField,
  FormItem,
  FormLabel,
  FormMessage,
} from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { AuthLayout } from "@/features/auth/auth-layout";
import { FormAlert } from "@/features/auth/form-alert";
import { homeFor, rememberSession } from "@/features/auth/session";
import { applyServerError } from "@/lib/form-errors";
import { trpc } from "@/lib/trpc";

const PASSWORD_MIN_LENGTH = 10;

// Mirrors the server's rules so most mistakes are caught before a round trip; the server
// still decides, and its messages land on the same fields.
const signUpSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, { error: "Enter your name." })
    .max(100, { error: "Names can be at most 100 characters." }),
  email: z
    .string()
    .trim()
    .min(1, { error: "Enter your email address." })
    .pipe(z.email({ error: "Enter a valid email address, like name@example.com." })),
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, {
      error: `Use at least ${PASSWORD_MIN_LENGTH} characters for your password.`,
    })
    .max(256, { error: "Passwords can be at most 256 characters." }),
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
        <Form {...form}>
          <form
            noValidate
            className="space-y-4"
            onSubmit={(event) => void form.handleSubmit((values) => signUp.mutate(values))(event)}
          >
            <FormAlert message={form.formState.errors.root?.server?.message} />
            <FormField
              control={form.control}
              name="name"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Name</FormLabel>
                  <FormControl>
                    <Input autoComplete="name" placeholder="Jane Doe" autoFocus {...field} />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="email"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Email</FormLabel>
                  <FormControl>
                    <Input
                      type="email"
                      autoComplete="email"
                      placeholder="you@company.com"
                      {...field}
                    />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="password"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Password</FormLabel>
                  <FormControl>
                    <Input type="password" autoComplete="new-password" {...field} />
                  </FormControl>
                  <FormDescription>At least {PASSWORD_MIN_LENGTH} characters.</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            <Button type="submit" className="w-full" disabled={signUp.isPending}>
              {signUp.isPending && <Loader2Icon className="animate-spin" aria-hidden="true" />}
              {signUp.isPending ? "Creating account…" : "Create account"}
            </Button>
          </form>
        </Form>
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
