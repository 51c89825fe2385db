import { walletBalance } from "@folio/billing";
import { meters } from "@folio/db";
import { eq } from "drizzle-orm";
import { emailJob, link, sendTemplate, userById } from "./context.ts";

// Usage alerts, enqueued by the usage draw-down (or a credit expiry) that caused them. Both link
// to the portal's Usage page, where the customer buys credits.

const USAGE_PAGE = "/billing/usage";

export const lowBalanceJob = emailJob("low_balance", async (ctx, p, job) => {
  const user = await userById(ctx.db, p.userId);
  if (!user || user.disabled) return;
  // Topped up since: the warning would only confuse. Otherwise say what is left now.
  const { balance } = await walletBalance(ctx.db, p.userId);
  if (balance >= p.threshold) return;
  await sendTemplate(ctx, job, user.email, "low_balance", {
    customerName: user.name,
    balance,
    threshold: p.threshold,
    usageUrl: link(ctx, USAGE_PAGE),
  });
});

export const usageLimitReachedJob = emailJob("usage_limit_reached", async (ctx, p, job) => {
  // The period ended before the mail could go out: the allowance is back already.
  if (ctx.clock.now().getTime() >= p.periodEnd) return;
  const user = await userById(ctx.db, p.userId);
  if (!user || user.disabled) return;
  const meter = await ctx.db
    .select({ name: meters.name })
    .from(meters)
    .where(eq(meters.key, p.meterKey))
    .get();
  await sendTemplate(ctx, job, user.email, "usage_limit_reached", {
    customerName: user.name,
    meterName: meter?.name ?? p.meterKey,
    included: p.included,
    periodEnd: new Date(p.periodEnd),
    usageUrl: link(ctx, USAGE_PAGE),
  });
});
