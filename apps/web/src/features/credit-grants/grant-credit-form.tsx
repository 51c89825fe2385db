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
import { formatMoney } from "@/features/billing/format";
import { parseMoneyInput } from "@/features/refunds/money-input";
import { NativeSelect } from "@/features/refunds/native-select";
import { applyServerError } from "@/lib/form-errors";
import { trpc } from "@/lib/trpc";

const schema = z
  .object({
    direction: z.enum(["grant", "debit"]),
    amount: z.string(),
    currency: z
      .string()
      .check(z.trim(), z.regex(/^[a-zA-Z]{3}$/, { error: "Use a three-letter code, e.g. usd." })),
    reason: z
      .string()
      .check(
        z.trim(),
        z.minLength(3, { error: "Say why, in a few words." }),
        z.maxLength(500, { error: "Keep it under 500 characters." }),
      ),
  })
  .check(
    z.superRefine((v, ctx) => {
      const minor = parseMoneyInput(v.amount, v.currency.toLowerCase());
      if (minor === null || minor <= 0) {
        ctx.addIssue({ code: "custom", path: ["amount"], message: "Enter an amount, e.g. 10.00." });
      }
    }),
  );
type Values = z.infer<typeof schema>;

export function GrantForm({
  userId,
  fixedCurrency,
  attemptId,
  onDone,
}: {
  userId: string;
  fixedCurrency: string | null;
  attemptId: string;
  onDone: () => void;
}) {
  const queryClient = useQueryClient();
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { direction: "grant", amount: "", currency: fixedCurrency ?? "usd", reason: "" },
  });
  const [direction, amountText, currencyText] = useWatch({
    control: form.control,
    name: ["direction", "amount", "currency"],
  });
  const currency = currencyText.trim().toLowerCase();
  const minor = /^[a-z]{3}$/.test(currency) ? parseMoneyInput(amountText, currency) : null;

  const create = useMutation(
    trpc.admin.creditGrants.create.mutationOptions({
      onSuccess: async (result) => {
        const money = formatMoney(Math.abs(result.amount), result.currency);
        if (result.status === "awaiting_approval") {
          toast.info(`Credit change of ${money} sent for approval.`, { id: attemptId });
        } else {
          toast.success(
            result.amount > 0 ? `Granted ${money} of credit.` : `Took back ${money} of credit.`,
            { id: attemptId },
          );
        }
        onDone();
        await Promise.all([
          queryClient.invalidateQueries(trpc.admin.creditGrants.pathFilter()),
          queryClient.invalidateQueries({ queryKey: [["admin", "customers"]] }),
          queryClient.invalidateQueries({ queryKey: [["admin", "approvals"]] }),
        ]);
      },
      onError: (error) => applyServerError(form, error, { BAD_REQUEST: "currency" }),
    }),
  );

  const submit = (v: Values) => {
    const amount = parseMoneyInput(v.amount, v.currency.toLowerCase())!;
    create.mutate({
      attemptId,
      userId,
      amount: v.direction === "grant" ? amount : -amount,
      currency: v.currency.toLowerCase(),
      reason: v.reason,
    });
  };

  return (
    <FormWithAlert form={form} onSubmit={submit}>
      <div className="grid gap-4 sm:grid-cols-3">
        <FormField
          control={form.control}
          name="direction"
          render={({ field }) => (
            <FormItem>
              <FormLabel>Change</FormLabel>
              <FormControl>
                <NativeSelect {...field}>
                  <option value="grant">Grant credit</option>
                  <option value="debit">Take back</option>
                </NativeSelect>
              </FormControl>
            </FormItem>
          )}
        />
        <FormField
          control={form.control}
          name="amount"
          render={({ field }) => (
            <FormItem>
              <FormLabel>Amount</FormLabel>
              <FormControl>
                <Input inputMode="decimal" autoComplete="off" placeholder="10.00" {...field} />
              </FormControl>
              <FormMessage />
            </FormItem>
          )}
        />
        <FormField
          control={form.control}
          name="currency"
          render={({ field }) => (
            <FormItem>
              <FormLabel>Currency</FormLabel>
              <FormControl>
                <Input
                  autoComplete="off"
                  maxLength={3}
                  readOnly={fixedCurrency !== null}
                  className="uppercase"
                  {...field}
                />
              </FormControl>
              <FormMessage />
            </FormItem>
          )}
        />
      </div>
      {fixedCurrency && (
        <p className="text-xs text-muted-foreground">
          This customer&apos;s balance is in {fixedCurrency.toUpperCase()}: Stripe keeps one balance
          currency per customer.
        </p>
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
            <FormDescription>The customer sees this on their credit page.</FormDescription>
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
        <SubmitButton pending={create.isPending} pendingLabel="Saving…">
          {minor && minor > 0
            ? `${direction === "grant" ? "Grant" : "Take back"} ${formatMoney(minor, currency)}`
            : direction === "grant"
              ? "Grant credit"
              : "Take back credit"}
        </SubmitButton>
      </DialogFooter>
    </FormWithAlert>
  );
}
