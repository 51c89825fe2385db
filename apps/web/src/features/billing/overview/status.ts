import type { VariantProps } from "class-variance-authority";
import type { badgeVariants } from "@/components/ui/badge";
import { formatDate } from "@/features/billing/format";
import type { CurrentSubscription, SubscriptionItem } from "@/features/billing/overview/types";

// The destructive badge's own red is too light for its 12 px text (axe color-contrast).
const FAILED = "text-red-700 dark:text-red-300";

type BadgeVariant = NonNullable<VariantProps<typeof badgeVariants>["variant"]>;

export interface StatusWords {
  label: string;
  variant: BadgeVariant;
  className?: string;
  /** What it means and what to do, in one or two sentences. */
  meaning: string;
}

export function isCanceling(s: CurrentSubscription): boolean {
  return s.cancelAtPeriodEnd || s.cancelAt !== null;
}

/** When a canceling subscription stops: its cancel date, else the end of the current period. */
export function endsOn(s: CurrentSubscription): string | null {
  return s.cancelAt ?? s.currentPeriodEnd;
}

/** Stripe's subscription status in plain words, with what it means for the customer. */
export function statusWords(s: CurrentSubscription): StatusWords {
  if (isCanceling(s) && s.status !== "past_due" && s.status !== "unpaid") {
    return {
      label: "Canceling",
      variant: "warning",
      meaning: `Your plan won't renew. You keep full access until ${formatDate(endsOn(s))}; resume any time before then to keep it.`,
    };
  }
  switch (s.status) {
    case "trialing":
      return {
        label: "Free trial",
        variant: "secondary",
        meaning: `You're trying this plan for free until ${formatDate(s.trialEnd)}. Your card is charged then unless you cancel before.`,
      };
    case "active":
      return {
        label: "Active",
        variant: "success",
        meaning: "Your plan is paid up and renews automatically.",
      };
    case "past_due":
      return {
        label: "Payment failed",
        variant: "destructive",
        className: FAILED,
        meaning:
          "We couldn't charge your card for the latest invoice. Your plan stays on while we retry; update your card or pay now to settle it.",
      };
    case "unpaid":
      return {
        label: "Unpaid",
        variant: "destructive",
        className: FAILED,
        meaning:
          "Several payment attempts failed and automatic retries have stopped. Pay the open invoice to keep your plan.",
      };
    case "incomplete":
      return {
        label: "Awaiting payment",
        variant: "warning",
        meaning:
          "Your first payment hasn't gone through, so the plan hasn't started. Complete the payment within 23 hours of signing up, or it lapses.",
      };
    case "paused":
      return {
        label: "Paused",
        variant: "secondary",
        meaning: "Your plan is paused: you're not charged and it doesn't renew until it resumes.",
      };
    case "canceled":
      return { label: "Ended", variant: "outline", meaning: "This plan has ended." };
    default:
      return { label: s.status.replaceAll("_", " "), variant: "outline", meaning: "" };
  }
}

export function planName(item: SubscriptionItem | undefined): string {
  return item?.productName ?? item?.priceNickname ?? item?.priceLookupKey ?? "Your plan";
}

export function per(interval: string | null, count: number | null = 1): string {
  if (!interval) return "";
  return count && count > 1 ? ` every ${count} ${interval}s` : ` / ${interval}`;
}
