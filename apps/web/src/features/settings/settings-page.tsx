import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PlusIcon, Trash2Icon } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { toast } from "@/lib/toast";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { PendingButton } from "@/components/pending-button";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { sectionByPath } from "@/features/admin/sections";
import { FormAlert } from "@/features/auth/form-alert";
import { EmailBrandingCard } from "@/features/settings/email-branding-card";
import { moneyInputText, parseMoneyInput } from "@/features/refunds/money-input";
import { errorInfo } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";

/** Console settings for admins. Each change is audited with the reason given. */
export function SettingsPage() {
  const section = sectionByPath("/admin/settings");
  const settings = useQuery(trpc.admin.settings.list.queryOptions());
  type Setting = NonNullable<typeof settings.data>[number];
  const limits = settings.data?.find(
    (s): s is Extract<Setting, { key: "approvals.support_limits" }> =>
      s.key === "approvals.support_limits",
  );
  const branding = settings.data?.find(
    (s): s is Extract<Setting, { key: "email.branding" }> => s.key === "email.branding",
  );

  return (
    <div className="space-y-6">
      <PageHeader title={section.label} description={section.summary} />
      {settings.isPending ? (
        <Skeleton className="h-64 w-full" />
      ) : settings.isError ? (
        <ErrorState
          title="Settings couldn't be loaded"
          error={settings.error}
          onRetry={() => void settings.refetch()}
        />
      ) : (
        <>
          {limits && (
            <SupportLimitsCard
              key={limits.updatedAt ?? "default"}
              value={limits.value}
              updatedAt={limits.updatedAt}
            />
          )}
          {branding && (
            <EmailBrandingCard
              key={branding.updatedAt ?? "default"}
              value={branding.value}
              updatedAt={branding.updatedAt}
            />
          )}
        </>
      )}
    </div>
  );
}

interface Row {
  key: number;
  currency: string;
  amount: string;
}

function SupportLimitsCard({
  value,
  updatedAt,
}: {
  value: Record<string, number>;
  updatedAt: string | null;
}) {
  const queryClient = useQueryClient();
  const reasonId = useId();
  const [rows, setRows] = useState<Row[]>(() =>
    Object.entries(value).map(([currency, amount], key) => ({
      key,
      currency: currency.toUpperCase(),
      amount: moneyInputText(amount, currency),
    })),
  );
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string>();
  const save = useMutation(
    trpc.admin.settings.update.mutationOptions({
      onSuccess: async () => {
        toast.success("Approval limits saved.");
        await queryClient.invalidateQueries(trpc.admin.settings.pathFilter());
      },
      onError: (error) => setProblem(errorInfo(error).message),
    }),
  );

  const update = (key: number, patch: Partial<Row>) =>
    setRows((prev) => prev.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: Record<string, number> = {};
    for (const r of rows) {
      const currency = r.currency.trim().toLowerCase();
      if (!/^[a-z]{3}$/.test(currency)) {
        return setProblem(`"${r.currency}" is not a currency code: use three letters, e.g. USD.`);
      }
      if (currency in next) return setProblem(`${r.currency.toUpperCase()} is listed twice.`);
      const minor = parseMoneyInput(r.amount, currency);
      if (minor === null)
        return setProblem(`Enter the ${currency.toUpperCase()} limit, e.g. 100.00.`);
      next[currency] = minor;
    }
    setProblem(undefined);
    save.mutate({ key: "approvals.support_limits", value: next, reason: reason || undefined });
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h2>Support approval limits</h2>
        </CardTitle>
        <CardDescription>
          The largest refund or credit change support may make alone, per currency. Above it — or in
          a currency not listed — the action waits for finance or an admin on the Approvals page.
          Finance and admins have no limit.
          {updatedAt && ` Last changed ${formatDateTime(updatedAt)}.`}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form noValidate onSubmit={submit} className="space-y-4">
          <FormAlert message={problem} />
          <fieldset className="space-y-2">
            <legend className="sr-only">Limits by currency</legend>
            {rows.map((r, i) => (
              <div key={r.key} className="flex items-end gap-2">
                <div className="w-24 space-y-1">
                  <Label htmlFor={`currency-${r.key}`} className={i > 0 ? "sr-only" : undefined}>
                    Currency
                  </Label>
                  <Input
                    id={`currency-${r.key}`}
                    value={r.currency}
                    maxLength={3}
                    className="uppercase"
                    onChange={(e) => update(r.key, { currency: e.target.value })}
                  />
                </div>
                <div className="w-40 space-y-1">
                  <Label htmlFor={`amount-${r.key}`} className={i > 0 ? "sr-only" : undefined}>
                    Limit
                  </Label>
                  <Input
                    id={`amount-${r.key}`}
                    inputMode="decimal"
                    value={r.amount}
                    aria-label={`Limit in ${r.currency || "this currency"}`}
                    onChange={(e) => update(r.key, { amount: e.target.value })}
                  />
                </div>
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  aria-label={`Remove the ${r.currency || "empty"} limit`}
                  onClick={() => setRows((prev) => prev.filter((x) => x.key !== r.key))}
                >
                  <Trash2Icon aria-hidden="true" />
                </Button>
              </div>
            ))}
          </fieldset>
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={() =>
              setRows((prev) => [
                ...prev,
                { key: Math.max(-1, ...prev.map((r) => r.key)) + 1, currency: "", amount: "" },
              ])
            }
          >
            <PlusIcon aria-hidden="true" />
            Add a currency
          </Button>
          <div className="max-w-md space-y-1">
            <Label htmlFor={reasonId}>Reason for the change (kept in the audit log)</Label>
            <Input id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <PendingButton type="submit" pending={save.isPending}>
            Save limits
          </PendingButton>
        </form>
      </CardContent>
    </Card>
  );
}
