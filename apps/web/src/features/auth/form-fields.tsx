import type { ComponentProps, ReactNode } from "react";
import type { ControllerProps, FieldPath, FieldValues, UseFormReturn } from "react-hook-form";
import { PendingButton } from "@/components/pending-button";
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

// The pieces every auth and account form is made of, so they look and behave alike.

/**
 * A react-hook-form form validated in the browser (`noValidate`: the zod messages, not the
 * browser's), with the server's form-level error (`errors.root.server`) announced at the top.
 */
export function FormWithAlert<TIn extends FieldValues, TOut>({
  form,
  onSubmit,
  children,
}: {
  form: UseFormReturn<TIn, unknown, TOut>;
  onSubmit: (values: TOut) => void;
  children: ReactNode;
}) {
  return (
    <Form {...form}>
      <form
        noValidate
        className="space-y-4"
        onSubmit={(event) => void form.handleSubmit(onSubmit)(event)}
      >
        <FormAlert message={form.formState.errors.root?.server?.message} />
        {children}
      </form>
    </Form>
  );
}

type TextFieldProps<T extends FieldValues, N extends FieldPath<T>> = Omit<
  ComponentProps<typeof Input>,
  "name"
> & {
  control: ControllerProps<T, N>["control"];
  name: N;
  label: string;
  /** A hint under the input (linked to it for screen readers). */
  description?: ReactNode;
};

/** A labelled input bound to a react-hook-form field, with its hint and error message. */
export function TextField<T extends FieldValues, N extends FieldPath<T>>({
  control,
  name,
  label,
  description,
  ...input
}: TextFieldProps<T, N>) {
  return (
    <FormField
      control={control}
      name={name}
      render={({ field }) => (
        <FormItem>
          <FormLabel>{label}</FormLabel>
          <FormControl>
            <Input {...input} {...field} />
          </FormControl>
          {description && <FormDescription>{description}</FormDescription>}
          <FormMessage />
        </FormItem>
      )}
    />
  );
}

/** A form's submit button: disabled with a spinner and `pendingLabel` while the request runs. */
export function SubmitButton({
  pending,
  pendingLabel,
  children,
  className,
}: {
  pending: boolean;
  pendingLabel: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <PendingButton type="submit" className={className} pending={pending}>
      {pending ? pendingLabel : children}
    </PendingButton>
  );
}
