import { useFormContext } from "react-hook-form";
import { FormControl, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { emailField, nameField } from "@/features/auth/fields";
import { TextField } from "@/features/auth/form-fields";
import { ROLE_LABELS } from "@/features/auth/session";
import { ROLE_SUMMARIES, STAFF_ROLES } from "@/features/staff/search";
import * as z from "@/lib/zod";

// Who a new staff member is, asked alike whether an admin adds them or invites them.

export const staffIdentityShape = {
  name: nameField,
  email: emailField,
  role: z.enum(STAFF_ROLES, { error: "Choose a role." }),
};

export const staffIdentityDefaults = { name: "", email: "", role: "support" as const };

type StaffIdentity = { name: string; email: string; role: (typeof STAFF_ROLES)[number] };

/** The name, e-mail and role fields, inside a `FormWithAlert` whose values include them. */
export function StaffIdentityFields() {
  const { control } = useFormContext<StaffIdentity>();
  return (
    <>
      <TextField control={control} name="name" label="Name" autoComplete="off" />
      <TextField control={control} name="email" label="E-mail" type="email" autoComplete="off" />
      <FormField
        control={control}
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
    </>
  );
}
