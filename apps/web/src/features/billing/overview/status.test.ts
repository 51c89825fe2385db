import { describe, expect, it } from "vitest";
import { formatDate } from "@/features/billing/format";
import { endsOn, statusWords } from "@/features/billing/overview/status";
import type { CurrentSubscription } from "@/features/billing/overview/types";

const base: CurrentSubscription = {
  id: "sub_1",
  status: "active",
  ended: false,
  currency: "usd",
  items: [],
  currentPeriodEnd: "2026-02-01T00:00:00.000Z",
  trialEnd: null,
  cancelAtPeriodEnd: false,
  cancelAt: null,
  canceledAt: null,
  endedAt: null,
  trialDaysLeft: null,
  hasScheduledChange: false,
  cancellationFeedback: null,
};

describe("statusWords", () => {
  it.each([
    ["trialing", "Free trial"],
    ["active", "Active"],
    ["past_due", "Payment failed"],
    ["unpaid", "Unpaid"],
    ["incomplete", "Awaiting payment"],
    ["paused", "Paused"],
    ["canceled", "Ended"],
  ])("%s reads as %s, with what it means", (status, label) => {
    const words = statusWords({ ...base, status, trialEnd: "2026-01-15T00:00:00.000Z" });
    expect(words.label).toBe(label);
    expect(words.meaning).not.toBe("");
  });

  it("says when a canceling plan ends and that it can be resumed", () => {
    const s = { ...base, cancelAtPeriodEnd: true, cancelAt: "2026-02-01T00:00:00.000Z" };
    expect(endsOn(s)).toBe("2026-02-01T00:00:00.000Z");
    expect(statusWords(s)).toMatchObject({ label: "Canceling" });
    expect(statusWords(s).meaning).toContain(formatDate("2026-02-01T00:00:00.000Z"));
    expect(statusWords(s).meaning).toContain("resume");
  });

  it("keeps a failed payment in front of a scheduled cancellation", () => {
    const s = { ...base, status: "past_due", cancelAtPeriodEnd: true };
    expect(statusWords(s).label).toBe("Payment failed");
  });

  it("shows an unknown status as words instead of a code", () => {
    expect(statusWords({ ...base, status: "some_new_state" }).label).toBe("some new state");
  });
});
