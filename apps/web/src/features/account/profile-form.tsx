import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "@tanstack/react-router";
import { Loader2Icon } from "lucide-react";
import { useState } from "react";
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
import { meQueryKey, type Me } from "@/features/auth/session";
import { applyServerError } from "@/lib/form-errors";
import { trpc } from "@/lib/trpc";

const profileSchema = z.object({
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
  currentPassword: z.string().min(1, { error: "Enter your current password to confirm." }),
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
        toast.success("Your name and email are saved.");
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
        <Form {...form}>
          <form
            noValidate
            className="space-y-4"
            onSubmit={(event) =>
              void form.handleSubmit((values) => save.mutate({ ...values, attemptId }))(event)
            }
          >
            <FormAlert message={form.formState.errors.root?.server?.message} />
            <FormField
              control={form.control}
              name="name"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Name</FormLabel>
                  <FormControl>
                    <Input autoComplete="name" {...field} />
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
                    <Input type="email" autoComplete="email" {...field} />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="currentPassword"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Current password</FormLabel>
                  <FormControl>
                    <Input type="password" autoComplete="current-password" {...field} />
                  </FormControl>
                  <FormDescription>Confirms it's you making the change.</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            <Button type="submit" disabled={save.isPending}>
              {save.isPending && <Loader2Icon className="animate-spin" aria-hidden="true" />}
              {save.isPending ? "Saving…" : "Save name and email"}
            </Button>
          </form>
        </Form>
      </CardContent>
    </Card>
  );
}
