import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "@/lib/toast";
import * as z from "@/lib/zod";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogFooter } from "@/components/ui/dialog";
import { FormControl, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { FormWithAlert, SubmitButton } from "@/features/auth/form-fields";
import { formatMoney } from "@/features/billing/format";
import { moneyInputText, parseMoneyInput } from "@/features/refunds/money-input";
import { NativeSelect } from "@/features/refunds/native-select";
import { applyServerError } from "@/lib/form-errors";
import { trpc } from "@/lib/trpc";
import type { RouterInputs, RouterOutputs } from "@folio/server/api";

type Target = RouterInputs["admin"]["refunds"]["options"];
type Options = RouterOutputs["admin"]["refunds"]["options"];

const REASONS = {
  requested_by_customer: "Requested by the customer",
  duplicate: "Duplicate payment",
  fraudulent: "Fraudulent payment",
} as const;

const SHIPPED = new Set(["shipped", "delivered"]);

export function RefundForm({
  target,
  options,
  attemptId,
  onDone,
}: {
  target: Target;
  options: Options;
  attemptId: string;
  onDone: () => void;
}) {
  const queryClient = useQueryClient();
  const { currency, refundable } = options;
  const shipped = options.shipping !== null && SHIPPED.has(options.shipping);
  const unshipped = options.shipping !== null && !shipped && options.shipping !== "canceled";
  const money = (n: number) => formatMoney(n, currency);

  const schema = z
    .object({
      amount: z.string(),
      reason: z.enum(["requested_by_customer", "duplicate", "fraudulent"]),
      destination: z.enum(["card", "customer_balance"]),
      note: z.string().check(z.maxLength(1000, { error: "Keep the note under 1,000 characters." })),
      goodsReturned: z.enum(["", "yes", "no"]),
      cancelFulfilment: z.boolean(),
    })
    .check(
      z.superRefine((v, ctx) => {
        const minor = parseMoneyInput(v.amount, currency);
        if (minor === null || minor <= 0) {
          ctx.addIssue({
            code: "custom",
            path: ["amount"],
            message: "Enter an amount, e.g. 12.50.",
          });
        } else if (minor > refundable) {
          ctx.addIssue({
            code: "custom",
            path: ["amount"],
            message: `At most ${money(refundable)} can be refunded.`,
          });
        }
        if (shipped && v.goodsReturned === "") {
          ctx.addIssue({
            code: "custom",
            path: ["goodsReturned"],
            message: "Say whether the goods came back.",
          });
        }
      }),
    );
  type Values = z.infer<typeof schema>;

  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: {
      amount: moneyInputText(refundable, currency),
      reason: "requested_by_customer",
      destination: "card",
      note: "",
      goodsReturned: "",
      cancelFulfilment: false,
    },
  });
  const [amountText, destination] = useWatch({
    control: form.control,
    name: ["amount", "destination"],
  });
  const minor = parseMoneyInput(amountText, currency);
  const effect =
    minor && minor > 0
      ? `${money(minor)} to ${destination === "card" ? "the card" : "credit balance"}`
      : null;

  const create = useMutation(
    trpc.admin.refunds.create.mutationOptions({
      onSuccess: async (result) => {
        const amount = money(result.amount);
        if (result.status === "awaiting_approval") {
          toast.info(`Refund of ${amount} sent for approval: finance or an admin decides.`, {
            id: attemptId,
          });
        } else if (result.status === "failed") {
          toast.error(`Stripe refused the refund: ${result.failureReason ?? "no reason given"}`, {
            id: attemptId,
          });
        } else {
          toast.success(`Refunded ${amount}.`, { id: attemptId });
        }
        onDone();
        await Promise.all([
          queryClient.invalidateQueries(trpc.admin.refunds.pathFilter()),
          queryClient.invalidateQueries({ queryKey: [["admin", "orders"]] }),
          queryClient.invalidateQueries({ queryKey: [["admin", "customers"]] }),
          queryClient.invalidateQueries({ queryKey: [["admin", "approvals"]] }),
        ]);
      },
      onError: (error) => applyServerError(form, error),
    }),
  );

  const submit = (v: Values) =>
    create.mutate({
      attemptId,
      target,
      amount: parseMoneyInput(v.amount, currency)!,
      reason: v.reason,
      destination: v.destination,
      note: v.note.trim() || undefined,
      ...(shipped && { goodsReturned: v.goodsReturned === "yes" }),
      ...(unshipped && v.cancelFulfilment && { cancelFulfilment: true }),
    });

  return (
    <FormWithAlert form={form} onSubmit={submit}>
      <p className="text-sm text-muted-foreground">
        Paid {money(options.paid)}; up to{" "}
        <strong className="text-foreground">{money(refundable)}</strong> can still be refunded.
      </p>
      <FormField
        control={form.control}
        name="amount"
        render={({ field }) => (
          <FormItem>
            <FormLabel>Amount ({currency.toUpperCase()})</FormLabel>
            <FormControl>
              <Input inputMode="decimal" autoComplete="off" {...field} />
            </FormControl>
            <FormMessage />
          </FormItem>
        )}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField
          control={form.control}
          name="reason"
          render={({ field }) => (
            <FormItem>
              <FormLabel>Reason (sent to Stripe)</FormLabel>
              <FormControl>
                <NativeSelect {...field}>
                  {Object.entries(REASONS).map(([value, text]) => (
                    <option key={value} value={value}>
                      {text}
                    </option>
                  ))}
                </NativeSelect>
              </FormControl>
              <FormMessage />
            </FormItem>
          )}
        />
        <FormField
          control={form.control}
          name="destination"
          render={({ field }) => (
            <FormItem>
              <FormLabel>Refund to</FormLabel>
              <FormControl>
                <NativeSelect {...field}>
                  <option value="card">The card</option>
                  {options.hasCustomer && <option value="customer_balance">Credit balance</option>}
                </NativeSelect>
              </FormControl>
              <FormMessage />
            </FormItem>
          )}
        />
      </div>
      {shipped && (
        <FormField
          control={form.control}
          name="goodsReturned"
          render={({ field }) => (
            <FormItem>
              <FormLabel>This order has shipped. Did the goods come back?</FormLabel>
              <FormControl>
                <NativeSelect {...field}>
                  <option value="">Choose…</option>
                  <option value="yes">Yes, they were returned</option>
                  <option value="no">No, the customer keeps them</option>
                </NativeSelect>
              </FormControl>
              <FormMessage />
            </FormItem>
          )}
        />
      )}
      {unshipped && (
        <FormField
          control={form.control}
          name="cancelFulfilment"
          render={({ field }) => (
            <FormItem className="flex items-start gap-2 space-y-0">
              <FormControl>
                <input
                  type="checkbox"
                  className="mt-0.5 size-4 accent-primary"
                  checked={field.value}
                  onChange={(e) => field.onChange(e.target.checked)}
                  onBlur={field.onBlur}
                  name={field.name}
                  ref={field.ref}
                />
              </FormControl>
              <FormLabel className="font-normal">
                Cancel the shipment too (it has not left yet)
              </FormLabel>
            </FormItem>
          )}
        />
      )}
      <FormField
        control={form.control}
        name="note"
        render={({ field }) => (
          <FormItem>
            <FormLabel>Internal note</FormLabel>
            <FormControl>
              <Textarea rows={2} placeholder="Only staff see this." {...field} />
            </FormControl>
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
        <SubmitButton pending={create.isPending} pendingLabel="Refunding…">
          {effect ? `Refund ${effect}` : "Refund"}
        </SubmitButton>
      </DialogFooter>
    </FormWithAlert>
  );
}
