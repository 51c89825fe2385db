import { z } from "zod";
import {
  getBillingSettings,
  setBillingSettings,
  type BillingSettings,
} from "../../billing/settings.ts";
import { invalidParam } from "../../core/errors.ts";
import type { ControlRoute } from "../../core/types.ts";

/** The control API's billing settings (`/_emulator/billing/settings`): retries, delays, dunning. */

const seconds = z.coerce.number().int().min(0);
const settingsSchema = z.strictObject({
  retrySchedule: z.array(seconds).optional(),
  afterFinalFailure: z.enum(["cancel", "unpaid", "past_due"]).optional(),
  markUncollectibleAfterFinalFailure: z.coerce.boolean().optional(),
  draftFinalizeDelay: seconds.optional(),
  trialWillEndBefore: seconds.optional(),
  upcomingInvoiceBefore: seconds.optional(),
  incompleteExpiresAfter: seconds.optional(),
});

/** Control bodies are JSON; errors name the setting like API errors name params. */
function parseSettings(body: unknown): Partial<BillingSettings> {
  const result = settingsSchema.safeParse(body ?? {});
  if (result.success) {
    return Object.fromEntries(Object.entries(result.data).filter(([, v]) => v !== undefined));
  }
  const issue = result.error.issues[0];
  const param = issue?.path.map(String).join(".") ?? "";
  const key = issue?.code === "unrecognized_keys" ? (issue.keys[0] ?? "") : param;
  throw invalidParam(key, `Invalid billing setting ${key}: ${issue?.message ?? "invalid"}`);
}

export const billingSettingsControl: ControlRoute[] = [
  {
    method: "GET",
    path: "/_emulator/billing/settings",
    handler: (ctx) => getBillingSettings(ctx),
  },
  {
    method: "POST",
    path: "/_emulator/billing/settings",
    handler: (ctx, req) => setBillingSettings(ctx, parseSettings(req.body)),
  },
];
