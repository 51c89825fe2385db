import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import * as z from "@/lib/zod";
import { PendingButton } from "@/components/pending-button";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogFooter } from "@/components/ui/dialog";
import { FormControl, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import { Textarea } from "@/components/ui/textarea";
import { FormWithAlert } from "@/features/auth/form-fields";
import { formatDate } from "@/features/billing/format";
import { applyServerError } from "@/lib/form-errors";
import { toast } from "@/lib/toast";
import { trpc } from "@/lib/trpc";
import { cn } from "@/lib/utils";

// Stripe's cancellation_details.feedback values, in the customer's words.
const REASONS = [
  ["too_expensive", "It's too expensive"],
  ["missing_features", "It's missing features I need"],
  ["switched_service", "I'm switching to another service"],
  ["unused", "I don't use it enough"],
  ["customer_service", "Customer service fell short"],
  ["too_complex", "It's too hard to use"],
  ["low_quality", "The quality fell short"],
  ["other", "Another reason"],
] as const;
type Reason = (typeof REASONS)[number][0];

const schema = z.object({
  feedback: z.enum(REASONS.map(([value]) => value) as [Reason, ...Reason[]], {
    error: "Choose the reason that fits best.",
  }),
  comment: z.string().check(z.maxLength(500, { error: "Keep the comment under 500 characters." })),
});

interface CancelFormProps {
  planName: string;
  date: string;
  attemptId: string;
  close: () => void;
}

/** The cancel dialog's survey and buttons: its own chunk, mounted fresh at every opening. */
export function CancelForm({ planName, date, attemptId, close }: CancelFormProps) {
  const queryClient = useQueryClient();
  const form = useForm({
    resolver: zodResolver(schema),
    defaultValues: { feedback: undefined as unknown as Reason, comment: "" },
  });
  const cancel = useMutation(
    trpc.portal.subscription.cancel.mutationOptions({
      onSuccess: async ({ endsAt }) => {
        toast.success(`Your ${planName} plan will end on ${formatDate(endsAt)}.`);
        close();
        await queryClient.invalidateQueries(trpc.portal.subscription.pathFilter());
      },
      onError: (error) => applyServerError(form, error),
    }),
  );

  return (
    <FormWithAlert
      form={form}
      onSubmit={(values) =>
        cancel.mutate({
          attemptId,
          feedback: values.feedback,
          comment: values.comment.trim() || undefined,
        })
      }
    >
      <FormField
        control={form.control}
        name="feedback"
        render={({ field, fieldState }) => (
          <FormItem>
            <fieldset
              className="space-y-2"
              aria-invalid={fieldState.invalid}
              aria-describedby={fieldState.invalid ? "cancel-reason-error" : undefined}
            >
              <legend className="mb-2 text-sm font-medium">Why are you canceling?</legend>
              {REASONS.map(([value, label]) => (
                <label
                  key={value}
                  className={cn(
                    "flex cursor-pointer items-center gap-3 rounded-md border px-3 py-2 text-sm transition-colors hover:bg-accent has-[:focus-visible]:ring-[3px] has-[:focus-visible]:ring-ring/50",
                    field.value === value && "border-primary bg-accent",
                  )}
                >
                  <input
                    type="radio"
                    name={field.name}
                    value={value}
                    checked={field.value === value}
                    onChange={() => field.onChange(value)}
                    onBlur={field.onBlur}
                    className="size-4 accent-primary"
                  />
                  {label}
                </label>
              ))}
            </fieldset>
            <FormMessage id="cancel-reason-error" />
          </FormItem>
        )}
      />
      <FormField
        control={form.control}
        name="comment"
        render={({ field }) => (
          <FormItem>
            <FormLabel>Anything else we should know? (optional)</FormLabel>
            <FormControl>
              <Textarea rows={3} maxLength={500} {...field} />
            </FormControl>
            <FormMessage />
          </FormItem>
        )}
      />
      <DialogFooter>
        <DialogClose asChild>
          <Button type="button" variant="outline" disabled={cancel.isPending}>
            Keep my plan
          </Button>
        </DialogClose>
        <PendingButton type="submit" variant="destructive" pending={cancel.isPending}>
          Cancel on {date}
        </PendingButton>
      </DialogFooter>
    </FormWithAlert>
  );
}
