import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "@/lib/toast";
import * as z from "@/lib/zod";
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
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { FormWithAlert, SubmitButton } from "@/features/auth/form-fields";
import { NativeSelect } from "@/features/refunds/native-select";
import { applyServerError } from "@/lib/form-errors";
import { formatCount } from "@/lib/format";
import { trpc } from "@/lib/trpc";

const schema = z.object({
  direction: z.enum(["grant", "debit"]),
  units: z
    .string()
    .check(z.trim(), z.regex(/^[1-9]\d{0,8}$/, { error: "Enter whole credits, e.g. 500." })),
  reason: z
    .string()
    .check(
      z.trim(),
      z.minLength(3, { error: "Say why, in a few words." }),
      z.maxLength(500, { error: "Keep it under 500 characters." }),
    ),
  expiresAt: z.string(),
});
type Values = z.infer<typeof schema>;

export function AdjustWalletForm({
  userId,
  balance,
  attemptId,
  onDone,
}: {
  userId: string;
  balance: number;
  attemptId: string;
  onDone: () => void;
}) {
  const queryClient = useQueryClient();
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { direction: "grant", units: "", reason: "", expiresAt: "" },
  });
  const [direction, unitsText] = useWatch({ control: form.control, name: ["direction", "units"] });
  const units = /^[1-9]\d{0,8}$/.test(unitsText.trim()) ? Number(unitsText.trim()) : null;
  const options = {
    onSuccess: async (entry: { units: number; balanceAfter: number }) => {
      toast.success(
        `${entry.units > 0 ? "Granted" : "Debited"} ${formatCount(Math.abs(entry.units))} credits; the balance is now ${formatCount(entry.balanceAfter)}.`,
        { id: attemptId },
      );
      onDone();
      await Promise.all([
        queryClient.invalidateQueries(trpc.admin.wallets.pathFilter()),
        queryClient.invalidateQueries({ queryKey: [["admin", "customers"]] }),
      ]);
    },
    onError: (error: unknown) => applyServerError(form, error, { BAD_REQUEST: "units" }),
  };
  const grant = useMutation(trpc.admin.wallets.grant.mutationOptions(options));
  const debit = useMutation(trpc.admin.wallets.debit.mutationOptions(options));

  const submit = (v: Values) => {
    const base = { attemptId, userId, units: Number(v.units), reason: v.reason };
    if (v.direction === "debit") debit.mutate(base);
    else
      grant.mutate({
        ...base,
        ...(v.expiresAt ? { expiresAt: new Date(`${v.expiresAt}T23:59:59Z`) } : {}),
      });
  };

  return (
    <FormWithAlert form={form} onSubmit={submit}>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField
          control={form.control}
          name="direction"
          render={({ field }) => (
            <FormItem>
              <FormLabel>Change</FormLabel>
              <FormControl>
                <NativeSelect {...field}>
                  <option value="grant">Grant credits</option>
                  <option value="debit">Debit credits</option>
                </NativeSelect>
              </FormControl>
            </FormItem>
          )}
        />
        <FormField
          control={form.control}
          name="units"
          render={({ field }) => (
            <FormItem>
              <FormLabel>Credits</FormLabel>
              <FormControl>
                <Input inputMode="numeric" autoComplete="off" placeholder="500" {...field} />
              </FormControl>
              <FormMessage />
            </FormItem>
          )}
        />
      </div>
      {direction === "debit" ? (
        <p className="text-xs text-muted-foreground">
          The balance is {formatCount(balance)}; a debit never takes it below zero.
        </p>
      ) : (
        <FormField
          control={form.control}
          name="expiresAt"
          render={({ field }) => (
            <FormItem>
              <FormLabel>Expires (optional)</FormLabel>
              <FormControl>
                <Input type="date" className="sm:w-48" {...field} />
              </FormControl>
              <FormDescription>
                Unused credits from this grant are removed at the end of that day (UTC).
              </FormDescription>
            </FormItem>
          )}
        />
      )}
      <FormField
        control={form.control}
        name="reason"
        render={({ field }) => (
          <FormItem>
            <FormLabel>Reason</FormLabel>
            <FormControl>
              <Textarea rows={2} {...field} />
            </FormControl>
            <FormDescription>The customer sees this in their transactions.</FormDescription>
            <FormMessage />
          </FormItem>
        )}
      />
      <DialogFooter>
        <DialogClose asChild>
          <Button type="button" variant="outline">
            Cancel
          </Button>
        </DialogClose>
        <SubmitButton pending={grant.isPending || debit.isPending} pendingLabel="Saving…">
          {units
            ? `${direction === "grant" ? "Grant" : "Debit"} ${formatCount(units)} credits`
            : direction === "grant"
              ? "Grant credits"
              : "Debit credits"}
        </SubmitButton>
      </DialogFooter>
    </FormWithAlert>
  );
}
