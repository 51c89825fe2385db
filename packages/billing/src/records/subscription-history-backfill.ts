import type { SubscriptionSnapshot } from "./subscription-history.ts";
import type { Observation } from "./subscription-timeline.ts";

/** Event type of history rows inferred for the time before Folio first saw a subscription. */
export const INFERRED = "inferred";

type State = Omit<SubscriptionSnapshot, "fingerprint" | "stripeCustomerId">;

/**
 * The states a subscription went through before `earliest`, the first state Folio knows of it,
 * when Folio never received its `customer.subscription.created` (a backfill of an existing Stripe
 * account: Stripe keeps events for 30 days). Dated by the times Stripe keeps on the object —
 * `start_date`, `trial_start`/`trial_end`, `canceled_at` — so connecting Folio reproduces the
 * account's past instead of making every subscription new on the day of the sync.
 *
 * What Stripe does not keep cannot be recovered: plan, seat and coupon changes before the
 * earliest known state are not visible, so the earliest known items and discounts are assumed
 * from the start (docs/METRICS.md, "Backfilled accounts").
 */
export function inferredPast(
  origin: { startDate: number; trialStart: number | null },
  earliest: Observation,
  restate: (state: State) => SubscriptionSnapshot,
): Observation[] {
  const s = earliest.snap;
  const clean = (over: Partial<State>): SubscriptionSnapshot =>
    restate({
      ...s,
      status: "active",
      cancelAtPeriodEnd: false,
      cancelAt: null,
      canceledAt: null,
      endedAt: null,
      paused: false,
      ...over,
    });
  const ms = (d: Date | null) => d?.getTime() ?? null;
  const trialEnd = ms(s.trialEnd);
  const endedAt = ms(s.endedAt);
  const canceledAt = ms(s.canceledAt);
  const out: Array<{ at: number; snap: SubscriptionSnapshot }> = [];

  const trialFromStart =
    trialEnd !== null && origin.trialStart !== null && origin.trialStart <= origin.startDate + 1000;
  if (trialFromStart) {
    out.push({ at: origin.startDate, snap: clean({ status: "trialing" }) });
    // Paid after the trial unless it ended with it (a lapsed trial) or never got paid.
    const lapsed = endedAt !== null && endedAt <= trialEnd;
    const unpaidAfter = ["trialing", "paused", "incomplete_expired", "incomplete"].includes(
      s.status,
    );
    if (!lapsed && !unpaidAfter) out.push({ at: trialEnd, snap: clean({}) });
  } else if (s.status !== "incomplete" && s.status !== "incomplete_expired") {
    out.push({ at: origin.startDate, snap: clean({}) });
  }
  // A cancellation asked for before it took effect (or before Folio saw the request).
  if (
    canceledAt !== null &&
    (endedAt === null ? s.cancelAtPeriodEnd || s.cancelAt : canceledAt < endedAt)
  ) {
    out.push({
      at: canceledAt,
      snap:
        endedAt === null
          ? s
          : clean({ cancelAtPeriodEnd: true, canceledAt: s.canceledAt, trialEnd: s.trialEnd }),
    });
  }
  return out
    .filter((o) => o.at >= origin.startDate && o.at < earliest.at)
    .map((o) => ({ ...o, eventId: null, eventType: INFERRED }));
}
