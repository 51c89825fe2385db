import { useQueryClient, type QueryFilters } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useFormContext, type FieldValues, type UseFormReturn } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogFooter } from "@/components/ui/dialog";
import {
  FormControl,
  FormDescription,
  FormField,
  FormItem,
  FormLabel,
  FormMessage,
} from "@/components/ui/form";
import { Textarea } from "@/components/ui/textarea";
import { FormWithAlert, SubmitButton } from "@/features/auth/form-fields";
import { NativeSelect } from "@/features/refunds/native-select";
import { toast } from "@/lib/toast";
import * as z from "@/lib/zod";

// The frame of a staff form that grants a customer credit or takes it back (their money credit
// balance, their wallet credits): which way, how much, why, and the dialog's buttons. Each form
// brings its own amount fields, rules and wording.

/** Why the change is made: the customer sees it, so it has to say something. */
export const changeReasonField = z
  .string()
  .check(
    z.trim(),
    z.minLength(3, { error: "Say why, in a few words." }),
    z.maxLength(500, { error: "Keep it under 500 characters." }),
  );

type ChangeValues = { direction: "grant" | "debit"; reason: string };

// Written out so Tailwind sees the class names.
const GRID_COLUMNS = { 2: "sm:grid-cols-2", 3: "sm:grid-cols-3" } as const;

export function CreditChangeForm<TIn extends ChangeValues & FieldValues, TOut>({
  form,
  onSubmit,
  directionLabels,
  columns,
  amountFields,
  children,
  reasonHint,
  pending,
  submitLabel,
}: {
  form: UseFormReturn<TIn, unknown, TOut>;
  onSubmit: (values: TOut) => void;
  /** The options of the "Change" select. */
  directionLabels: { grant: string; debit: string };
  /** How many columns the direction and `amountFields` share on wider screens. */
  columns: keyof typeof GRID_COLUMNS;
  amountFields: ReactNode;
  /** Shown between the amount and the reason (a note, more fields). */
  children?: ReactNode;
  reasonHint: string;
  pending: boolean;
  submitLabel: string;
}) {
  return (
    <FormWithAlert form={form} onSubmit={onSubmit}>
      <div className={`grid gap-4 ${GRID_COLUMNS[columns]}`}>
        <DirectionField labels={directionLabels} />
        {amountFields}
      </div>
      {children}
      <ReasonField hint={reasonHint} />
      <DialogFooter>
        <DialogClose asChild>
          <Button type="button" variant="outline">
            Cancel
          </Button>
        </DialogClose>
        <SubmitButton pending={pending} pendingLabel="Saving…">
          {submitLabel}
        </SubmitButton>
      </DialogFooter>
    </FormWithAlert>
  );
}

function DirectionField({ labels }: { labels: { grant: string; debit: string } }) {
  const { control } = useFormContext<ChangeValues>();
  return (
    <FormField
      control={control}
      name="direction"
      render={({ field }) => (
        <FormItem>
          <FormLabel>Change</FormLabel>
          <FormControl>
            <NativeSelect {...field}>
              <option value="grant">{labels.grant}</option>
              <option value="debit">{labels.debit}</option>
            </NativeSelect>
          </FormControl>
        </FormItem>
      )}
    />
  );
}

function ReasonField({ hint }: { hint: string }) {
  const { control } = useFormContext<ChangeValues>();
  return (
    <FormField
      control={control}
      name="reason"
      render={({ field }) => (
        <FormItem>
          <FormLabel>Reason</FormLabel>
          <FormControl>
            <Textarea rows={2} {...field} />
          </FormControl>
          <FormDescription>{hint}</FormDescription>
          <FormMessage />
        </FormItem>
      )}
    />
  );
}

/**
 * What follows a saved change: the message (under the attempt's id, so a retry's toast replaces
 * it), the dialog closed, and the customer views plus `refresh` refetched, as they show the balance.
 */
export function useChangeSaved({
  attemptId,
  onDone,
  refresh,
}: {
  attemptId: string;
  onDone: () => void;
  refresh: readonly QueryFilters[];
}) {
  const queryClient = useQueryClient();
  return async (message: string, kind: "success" | "info" = "success") => {
    toast[kind](message, { id: attemptId });
    onDone();
    await Promise.all(
      [{ queryKey: [["admin", "customers"]] }, ...refresh].map((filters) =>
        queryClient.invalidateQueries(filters),
      ),
    );
  };
}
