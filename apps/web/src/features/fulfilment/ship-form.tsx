import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "@/lib/toast";
import * as z from "@/lib/zod";
import { FormControl, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import type { ShippingTask } from "@/features/fulfilment/search";
import { applyServerError } from "@/lib/form-errors";
import { trpc } from "@/lib/trpc";

const OTHER = "other";

const schema = z
  .object({
    carrier: z.string().check(z.minLength(1, { error: "Choose the carrier." })),
    otherCarrier: z.string().check(z.trim(), z.maxLength(60)),
    trackingNumber: z.string().check(
      z.trim(),
      z.minLength(4, { error: "Enter the tracking number (at least 4 characters)." }),
      z.maxLength(60),
      z.regex(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, {
        error: "A tracking number has letters, digits, spaces and dashes only.",
      }),
    ),
    trackingUrl: z.union([
      z.literal(""),
      z.url({ protocol: /^https?$/, error: "Enter an http(s) link, or leave it empty." }),
    ]),
  })
  .check(
    z.superRefine((v, ctx) => {
      if (v.carrier === OTHER && v.otherCarrier.length < 2) {
        ctx.addIssue({ code: "custom", path: ["otherCarrier"], message: "Name the carrier." });
      }
    }),
  );
type Values = z.input<typeof schema>;

export function ShipForm({ task, onDone }: { task: ShippingTask; onDone: () => void }) {
  const queryClient = useQueryClient();
  const carriers = useQuery(trpc.admin.fulfilment.carriers.queryOptions());
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { carrier: "", otherCarrier: "", trackingNumber: "", trackingUrl: "" },
  });
  const carrier = useWatch({ control: form.control, name: "carrier" });
  const ship = useMutation(
    trpc.admin.fulfilment.ship.mutationOptions({
      onSuccess: async (result) => {
        toast.success(`Shipped with ${result.carrier}, tracking ${result.trackingNumber}.`);
        onDone();
        await queryClient.invalidateQueries(trpc.admin.fulfilment.pathFilter());
      },
      onError: (error) => applyServerError(form, error),
    }),
  );
  const submit = (v: Values) =>
    ship.mutate({
      taskId: task.id,
      carrier: v.carrier === OTHER ? v.otherCarrier.trim() : v.carrier,
      trackingNumber: v.trackingNumber.trim(),
      ...(v.trackingUrl ? { trackingUrl: v.trackingUrl } : {}),
    });

  return (
    <FormWithAlert form={form} onSubmit={submit}>
      <FormField
        control={form.control}
        name="carrier"
        render={({ field }) => (
          <FormItem>
            <FormLabel>Carrier</FormLabel>
            <Select value={field.value} onValueChange={field.onChange}>
              <FormControl>
                <SelectTrigger className="w-full">
                  <SelectValue placeholder="Choose the carrier" />
                </SelectTrigger>
              </FormControl>
              <SelectContent>
                {(carriers.data ?? []).map((c) => (
                  <SelectItem key={c.code} value={c.code}>
                    {c.name}
                  </SelectItem>
                ))}
                <SelectItem value={OTHER}>Another carrier…</SelectItem>
              </SelectContent>
            </Select>
            <FormMessage />
          </FormItem>
        )}
      />
      {carrier === OTHER && (
        <TextField control={form.control} name="otherCarrier" label="Carrier name" maxLength={60} />
      )}
      <TextField
        control={form.control}
        name="trackingNumber"
        label="Tracking number"
        autoComplete="off"
        maxLength={60}
      />
      {carrier === OTHER && (
        <TextField
          control={form.control}
          name="trackingUrl"
          label="Tracking link (optional)"
          type="url"
          placeholder="https://…"
          description="Folio builds the link itself for the carriers in the list."
        />
      )}
      <SubmitButton pending={ship.isPending} pendingLabel="Shipping…">
        Mark shipped
      </SubmitButton>
    </FormWithAlert>
  );
}
