import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useForm, useWatch } from "react-hook-form";
import * as z from "@/lib/zod";
import { TextField } from "@/features/auth/form-fields";
import {
  changeReasonField,
  CreditChangeForm,
  useChangeSaved,
} from "@/features/credit-changes/credit-change-form";
import { applyServerError } from "@/lib/form-errors";
import { formatCount } from "@/lib/format";
import { trpc } from "@/lib/trpc";

const schema = z.object({
  direction: z.enum(["grant", "debit"]),
  units: z
    .string()
    .check(z.trim(), z.regex(/^[1-9]\d{0,8}$/, { error: "Enter whole credits, e.g. 500." })),
  reason: changeReasonField,
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
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { direction: "grant", units: "", reason: "", expiresAt: "" },
  });
  const [direction, unitsText] = useWatch({ control: form.control, name: ["direction", "units"] });
  const units = /^[1-9]\d{0,8}$/.test(unitsText.trim()) ? Number(unitsText.trim()) : null;
  const saved = useChangeSaved({ attemptId, onDone, refresh: [trpc.admin.wallets.pathFilter()] });
  const options = {
    onSuccess: (entry: { units: number; balanceAfter: number }) =>
      saved(
        `${entry.units > 0 ? "Granted" : "Debited"} ${formatCount(Math.abs(entry.units))} credits; the balance is now ${formatCount(entry.balanceAfter)}.`,
      ),
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
    <CreditChangeForm
      form={form}
      onSubmit={submit}
      directionLabels={{ grant: "Grant credits", debit: "Debit credits" }}
      columns={2}
      amountFields={
        <TextField
          control={form.control}
          name="units"
          label="Credits"
          inputMode="numeric"
          autoComplete="off"
          placeholder="500"
        />
      }
      reasonHint="The customer sees this in their transactions."
      pending={grant.isPending || debit.isPending}
      submitLabel={
        units
          ? `${direction === "grant" ? "Grant" : "Debit"} ${formatCount(units)} credits`
          : direction === "grant"
            ? "Grant credits"
            : "Debit credits"
      }
    >
      {direction === "debit" ? (
        <p className="text-xs text-muted-foreground">
          The balance is {formatCount(balance)}; a debit never takes it below zero.
        </p>
      ) : (
        <TextField
          control={form.control}
          name="expiresAt"
          label="Expires (optional)"
          type="date"
          className="sm:w-48"
          description="Unused credits from this grant are removed at the end of that day (UTC)."
        />
      )}
    </CreditChangeForm>
  );
}
