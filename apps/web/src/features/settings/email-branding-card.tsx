import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { PendingButton } from "@/components/pending-button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { FormAlert } from "@/features/auth/form-alert";
import { errorInfo } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { toast } from "@/lib/toast";
import { trpc } from "@/lib/trpc";

export interface EmailBranding {
  name: string;
  primaryColor: string;
  locale: string;
  timeZone: string;
  supportEmail: string | null;
}

const FIELDS = [
  { key: "name", label: "Business name", hint: "Shown at the top of every e-mail." },
  { key: "primaryColor", label: "Brand colour", hint: "Hex, e.g. #4f46e5: buttons and rules." },
  { key: "locale", label: "Locale", hint: "How money and dates read, e.g. en-US or de-DE." },
  { key: "timeZone", label: "Time zone", hint: "Dates and link expiry times, e.g. Europe/Berlin." },
  {
    key: "supportEmail",
    label: "Support address",
    hint: "Optional: named in each e-mail's footer.",
  },
] as const;

/** How Folio's e-mails look: the merchant's name, colour, locale and time zone (server-checked). */
export function EmailBrandingCard({
  value,
  updatedAt,
}: {
  value: EmailBranding;
  updatedAt: string | null;
}) {
  const queryClient = useQueryClient();
  const id = useId();
  const [draft, setDraft] = useState(() => ({ ...value, supportEmail: value.supportEmail ?? "" }));
  const [problem, setProblem] = useState<string>();
  const save = useMutation(
    trpc.admin.settings.update.mutationOptions({
      onSuccess: async () => {
        setProblem(undefined);
        toast.success("E-mail branding saved; the next e-mails use it.");
        await queryClient.invalidateQueries(trpc.admin.settings.pathFilter());
      },
      onError: (error) => setProblem(errorInfo(error).message),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const supportEmail = draft.supportEmail.trim();
    save.mutate({
      key: "email.branding",
      value: { ...draft, supportEmail: supportEmail === "" ? null : supportEmail },
    });
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h2>E-mail branding</h2>
        </CardTitle>
        <CardDescription>
          How order confirmations, receipts, reminders and account e-mails look to your customers
          and staff.{updatedAt && ` Last changed ${formatDateTime(updatedAt)}.`}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form noValidate onSubmit={submit} className="max-w-md space-y-4">
          <FormAlert message={problem} />
          {FIELDS.map((f) => (
            <div key={f.key} className="space-y-1">
              <Label htmlFor={`${id}-${f.key}`}>{f.label}</Label>
              <Input
                id={`${id}-${f.key}`}
                value={draft[f.key]}
                aria-describedby={`${id}-${f.key}-hint`}
                onChange={(e) => setDraft((d) => ({ ...d, [f.key]: e.target.value }))}
              />
              <p id={`${id}-${f.key}-hint`} className="text-xs text-muted-foreground">
                {f.hint}
              </p>
            </div>
          ))}
          <PendingButton type="submit" pending={save.isPending}>
            Save branding
          </PendingButton>
        </form>
      </CardContent>
    </Card>
  );
}
