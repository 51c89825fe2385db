import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { UserPlusIcon } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { FormControl, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { emailField, nameField, newPasswordField } from "@/features/auth/fields";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import { ROLE_LABELS } from "@/features/auth/session";
import { ROLE_SUMMARIES, STAFF_ROLES } from "@/features/staff/search";
import { applyServerError } from "@/lib/form-errors";
import { trpc } from "@/lib/trpc";

const createSchema = z.object({
  name: nameField,
  email: emailField,
  role: z.enum(STAFF_ROLES, { error: "Choose a role." }),
  password: newPasswordField,
});

/** 16 characters from an unambiguous alphabet, from the browser's CSPRNG. */
function generatePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** Adds a staff member with a role and an initial password the admin passes on to them. */
export function CreateStaffDialog() {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null);
  const form = useForm({
    resolver: zodResolver(createSchema),
    defaultValues: { name: "", email: "", role: "support" as const, password: "" },
  });
  const create = useMutation(
    trpc.admin.staff.create.mutationOptions({
      onSuccess: async (user, input) => {
        setCreated({ email: user.email, password: input.password });
        toast.success(`${user.name} can now sign in as ${ROLE_LABELS[user.role]}.`);
        await queryClient.invalidateQueries(trpc.admin.staff.list.pathFilter());
      },
      onError: (error) => applyServerError(form, error, { CONFLICT: "email" }),
    }),
  );

  const close = (next: boolean) => {
    setOpen(next);
    if (!next) {
      form.reset();
      setCreated(null);
    }
  };

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogTrigger asChild>
        <Button>
          <UserPlusIcon aria-hidden="true" />
          Add staff member
        </Button>
      </DialogTrigger>
      <DialogContent>
        {created ? (
          <>
            <DialogHeader>
              <DialogTitle>Staff member added</DialogTitle>
              <DialogDescription>
                Give them these details in person or over a channel you trust. The password is not
                shown again; they can change it under Account once signed in.
              </DialogDescription>
            </DialogHeader>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 rounded-md border p-4 text-sm">
              <dt className="text-muted-foreground">Sign in at</dt>
              <dd className="break-all">{`${window.location.origin}/sign-in`}</dd>
              <dt className="text-muted-foreground">E-mail</dt>
              <dd className="break-all">{created.email}</dd>
              <dt className="text-muted-foreground">Password</dt>
              <dd className="font-mono break-all" data-testid="initial-password">
                {created.password}
              </dd>
            </dl>
            <DialogFooter>
              <Button onClick={() => close(false)}>Done</Button>
            </DialogFooter>
          </>
        ) : (
          <>
            <DialogHeader>
              <DialogTitle>Add a staff member</DialogTitle>
              <DialogDescription>
                They sign in with this e-mail and the initial password, and see what their role
                allows.
              </DialogDescription>
            </DialogHeader>
            <FormWithAlert form={form} onSubmit={(values) => create.mutate(values)}>
              <TextField control={form.control} name="name" label="Name" autoComplete="off" />
              <TextField
                control={form.control}
                name="email"
                label="E-mail"
                type="email"
                autoComplete="off"
              />
              <FormField
                control={form.control}
                name="role"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>Role</FormLabel>
                    <Select value={field.value} onValueChange={field.onChange}>
                      <FormControl>
                        <SelectTrigger className="w-full">
                          <SelectValue />
                        </SelectTrigger>
                      </FormControl>
                      <SelectContent>
                        {STAFF_ROLES.map((role) => (
                          <SelectItem key={role} value={role}>
                            {ROLE_LABELS[role]} — {ROLE_SUMMARIES[role]}
                          </SelectItem>
                        ))}
                      </SelectContent>
                    </Select>
                    <FormMessage />
                  </FormItem>
                )}
              />
              <TextField
                control={form.control}
                name="password"
                label="Initial password"
                type="text"
                autoComplete="new-password"
                spellCheck={false}
                description="At least 10 characters. Shown once more after saving."
              />
              <Button
                type="button"
                variant="outline"
                size="sm"
                onClick={() =>
                  form.setValue("password", generatePassword(), { shouldValidate: true })
                }
              >
                Generate a password
              </Button>
              <DialogFooter>
                <SubmitButton pending={create.isPending} pendingLabel="Adding…">
                  Add staff member
                </SubmitButton>
              </DialogFooter>
            </FormWithAlert>
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}
