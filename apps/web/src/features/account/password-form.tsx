import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { Loader2Icon } from "lucide-react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
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
import { FormAlert } from "@/features/auth/form-alert";
import { applyServerError } from "@/lib/form-errors";
import { trpc } from "@/lib/trpc";

const MIN = 10;

const passwordSchema = z
  .object({
    currentPassword: z.string().min(1, { error: "Enter your current password." }),
    newPassword: z
      .string()
      .min(MIN, { error: `Use at least ${MIN} characters for your password.` })
      .max(256, { error: "Passwords can be at most 256 characters." }),
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    error: "The two new passwords differ. Type the same one twice.",
    path: ["confirmPassword"],
  });

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
        <Form {...form}>
          <form
            noValidate
            className="space-y-4"
            onSubmit={(event) =>
              void form.handleSubmit(({ currentPassword, newPassword }) =>
                change.mutate({ currentPassword, newPassword }),
              )(event)
            }
          >
            <FormAlert message={form.formState.errors.root?.server?.message} />
            <FormField
              control={form.control}
              name="currentPassword"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Current password</FormLabel>
                  <FormControl>
                    <Input type="password" autoComplete="current-password" {...field} />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="newPassword"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>New password</FormLabel>
                  <FormControl>
                    <Input type="password" autoComplete="new-password" {...field} />
                  </FormControl>
                  <FormDescription>At least {MIN} characters.</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="confirmPassword"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>New password again</FormLabel>
                  <FormControl>
                    <Input type="password" autoComplete="new-password" {...field} />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
            <Button type="submit" disabled={change.isPending}>
              {change.isPending && <Loader2Icon className="animate-spin" aria-hidden="true" />}
              {change.isPending ? "Changing…" : "Change password"}
            </Button>
          </form>
        </Form>
      </CardContent>
    </Card>
  );
}
