import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { FormControl, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import { FormWithAlert, SubmitButton, TextField } from "@/features/auth/form-fields";
import { EVENT_TYPES } from "@/features/outbound-webhooks/search";
import { applyServerError } from "@/lib/form-errors";
import { toast } from "@/lib/toast";
import { trpc } from "@/lib/trpc";
import * as z from "@/lib/zod";

const schema = z.object({
  url: z.string().check(z.trim(), z.minLength(1, { error: "Enter the receiver's URL." })),
  description: z
    .string()
    .check(z.trim(), z.maxLength(200, { error: "Keep the description under 200 characters." })),
  eventTypes: z
    .array(z.enum(EVENT_TYPES))
    .check(z.minLength(1, { error: "Choose at least one event type." })),
});

/** Registers an endpoint; its own chunk (react-hook-form, zod), loaded when the dialog opens. */
export function EndpointForm({ onCreated }: { onCreated: (secret: string) => void }) {
  const queryClient = useQueryClient();
  const form = useForm({
    resolver: zodResolver(schema),
    defaultValues: {
      url: "",
      description: "",
      eventTypes: ["order.paid"] as (typeof EVENT_TYPES)[number][],
    },
  });
  const create = useMutation(
    trpc.admin.outboundWebhooks.create.mutationOptions({
      onSuccess: async (endpoint) => {
        onCreated(endpoint.secret);
        toast.success(`Folio now sends events to ${endpoint.url}.`);
        await queryClient.invalidateQueries(trpc.admin.outboundWebhooks.endpoints.pathFilter());
      },
      onError: (error) => applyServerError(form, error, { BAD_REQUEST: "url" }),
    }),
  );

  return (
    <FormWithAlert form={form} onSubmit={(values) => create.mutate(values)}>
      <TextField
        control={form.control}
        name="url"
        label="Endpoint URL"
        placeholder="https://hook.eu1.make.com/…"
        autoComplete="off"
        inputMode="url"
      />
      <TextField
        control={form.control}
        name="description"
        label="Description (optional)"
        placeholder="Make scenario: paid orders to the warehouse sheet"
        autoComplete="off"
      />
      <FormField
        control={form.control}
        name="eventTypes"
        render={({ field }) => (
          <FormItem>
            <FormLabel>Events to send</FormLabel>
            <FormControl>
              <fieldset className="grid gap-2 sm:grid-cols-2">
                {EVENT_TYPES.map((type) => (
                  <label key={type} className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      className="size-4 accent-primary"
                      checked={field.value.includes(type)}
                      onChange={(e) =>
                        field.onChange(
                          e.target.checked
                            ? [...field.value, type]
                            : field.value.filter((t) => t !== type),
                        )
                      }
                    />
                    <span className="font-mono text-xs">{type}</span>
                  </label>
                ))}
              </fieldset>
            </FormControl>
            <FormMessage />
          </FormItem>
        )}
      />
      <SubmitButton pending={create.isPending} pendingLabel="Adding…" className="w-full">
        Add endpoint
      </SubmitButton>
    </FormWithAlert>
  );
}
