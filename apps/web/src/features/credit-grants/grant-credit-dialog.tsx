import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CoinsIcon } from "lucide-react";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
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
import { useAttemptDialog } from "@/lib/use-attempt-dialog";

/**
 * Grants credit to (or takes it from) a customer's Stripe credit balance: their next invoices
 * use it. One attempt id per opening makes repeats one balance transaction; above support's
 * limit it becomes a request for approval.
 */
export function GrantCreditDialog({
  userId,
  hasStripe,
  currency,
}: {
  userId: string;
  hasStripe: boolean;
  /** The customer's balance currency once Stripe fixed one; any currency before that. */
  currency: string | null;
}) {
  const { open, onOpenChange, attemptId, close } = useAttemptDialog();
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="outline" disabled={!hasStripe}>
          <CoinsIcon aria-hidden="true" />
          Grant credit
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-lg">
        <DialogHeader>
          <DialogTitle>Grant or take back credit</DialogTitle>
          <DialogDescription>
            Changes the customer&apos;s Stripe credit balance; their next invoices use it. They see
            the entry, with its reason, on their credit page.
          </DialogDescription>
        </DialogHeader>
        <GrantForm
          key={attemptId}
          userId={userId}
          fixedCurrency={currency}
          attemptId={attemptId}
          onDone={close}
        />
      </DialogContent>
    </Dialog>
  );
}

const schema = z
  .object({
    direction: z.enum(["grant", "debit"]),
    amount: z.string(),
    currency: z
      .string()
      .trim()
      .regex(/^[a-zA-Z]{3}$/, { message: "Use a three-letter code, e.g. usd." }),
    reason: z
      .string()
      .trim()
      .min(3, { message: "Say why, in a few words." })
      .max(500, { message: "Keep it under 500 characters." }),
  })
  .superRefine((v, ctx) => {
    const minor = parseMoneyInput(v.amount, v.currency.toLowerCase());
    if (minor === null || minor <= 0) {
      ctx.addIssue({ code: "custom", path: ["amount"], message: "Enter an amount, e.g. 10.00." });
    }
  });
type Values = z.infer<typeof schema>;

function GrantForm({
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
