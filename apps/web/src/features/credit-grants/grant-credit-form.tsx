import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useForm, useWatch } from "react-hook-form";
import * as z from "@/lib/zod";
import { TextField } from "@/features/auth/form-fields";
import { formatMoney } from "@/features/billing/format";
import {
  changeReasonField,
  CreditChangeForm,
  useChangeSaved,
} from "@/features/credit-changes/credit-change-form";
import { parseMoneyInput } from "@/features/refunds/money-input";
import { applyServerError } from "@/lib/form-errors";
import { trpc } from "@/lib/trpc";

const schema = z
  .object({
    direction: z.enum(["grant", "debit"]),
    amount: z.string(),
    currency: z
      .string()
      .check(z.trim(), z.regex(/^[a-zA-Z]{3}$/, { error: "Use a three-letter code, e.g. usd." })),
    reason: changeReasonField,
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

  const saved = useChangeSaved({
    attemptId,
    onDone,
    refresh: [trpc.admin.creditGrants.pathFilter(), { queryKey: [["admin", "approvals"]] }],
  });
  const create = useMutation(
    trpc.admin.creditGrants.create.mutationOptions({
      onSuccess: async (result) => {
        const money = formatMoney(Math.abs(result.amount), result.currency);
        if (result.status === "awaiting_approval") {
          await saved(`Credit change of ${money} sent for approval.`, "info");
        } else {
          await saved(
            result.amount > 0 ? `Granted ${money} of credit.` : `Took back ${money} of credit.`,
          );
        }
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
    <CreditChangeForm
      form={form}
      onSubmit={submit}
      directionLabels={{ grant: "Grant credit", debit: "Take back" }}
      columns={3}
      amountFields={
        <>
          <TextField
            control={form.control}
            name="amount"
            label="Amount"
            inputMode="decimal"
            autoComplete="off"
            placeholder="10.00"
          />
          <TextField
            control={form.control}
            name="currency"
            label="Currency"
            autoComplete="off"
            maxLength={3}
            readOnly={fixedCurrency !== null}
            className="uppercase"
          />
        </>
      }
      reasonHint="The customer sees this on their credit page."
      pending={create.isPending}
      submitLabel={
        minor && minor > 0
          ? `${direction === "grant" ? "Grant" : "Take back"} ${formatMoney(minor, currency)}`
          : direction === "grant"
            ? "Grant credit"
            : "Take back credit"
      }
    >
      {fixedCurrency && (
        <p className="text-xs text-muted-foreground">
          This customer&apos;s balance is in {fixedCurrency.toUpperCase()}: Stripe keeps one balance
          currency per customer.
        </p>
      )}
    </CreditChangeForm>
  );
}
