import type { CastMember, Step } from "./cast.ts";

const DAY = 86_400;

/** A step `ago` days before today. */
type Ago<S> = S extends Step ? Omit<S, "at"> & { ago: number } : never;

type Member = Omit<
  CastMember,
  "index" | "email" | "signupAt" | "steps" | "seats" | "trial" | "coupon"
> &
  Partial<Pick<CastMember, "seats" | "trial" | "coupon">> & {
    /** Days before today (null: the opener, who signs up the day the history starts). */
    joined: number | null;
    steps: readonly Ago<Step>[];
  };

/**
 * The tests' demo business: a dozen customers written out so that each of the stories (every
 * SHOWCASE behaviour, card failures that recover and that churn, both trial outcomes, a
 * reactivation, goods for every fulfilment state, credit packs, a refund, credit grants) has
 * room to play out — mostly within the last six months, so it costs a few renewals each instead
 * of the 19 months of the generated casts. One annual Pro customer opens the history 19 months
 * ago (18 months of history for the metrics, one renewal, and the annual invoice support's
 * refund request is about).
 */
const MEMBERS: readonly Member[] = [
  { name: "Jonas Moreau", currency: "usd", tier: "pro", interval: "year", joined: null, steps: [] },
  {
    name: "Dev Fischer",
    currency: "usd",
    tier: "basic",
    interval: "month",
    joined: 150,
    steps: [{ kind: "upgrade", ago: 100, to: "plus" }],
  },
  {
    name: "Ines Rossi",
    currency: "eur",
    tier: "pro",
    interval: "month",
    seats: 2,
    joined: 160,
    steps: [{ kind: "downgrade", ago: 110, to: "plus" }],
  },
  {
    name: "Wen Kaur",
    currency: "usd",
    tier: "pro",
    interval: "month",
    seats: 1,
    coupon: "DEMO_FRIENDS10",
    joined: 140,
    steps: [
      { kind: "seats", ago: 90, quantity: 3 },
      // Smaller than the next invoice: the emulator cannot charge a remainder below 50 cents.
      { kind: "credit", ago: 60, amount: 1000, description: "Thanks for the detailed bug report" },
      {
        kind: "order",
        ago: 3,
        items: [
          ["notebook_a5_dot", 2],
          ["fineliner_set", 1],
        ],
      },
    ],
  },
  {
    name: "Hiro Jensen",
    currency: "usd",
    tier: "plus",
    interval: "month",
    joined: 170,
    steps: [{ kind: "card_fails", ago: 100, recovers: true }],
  },
  {
    name: "Greta Novak",
    currency: "eur",
    tier: "basic",
    interval: "month",
    joined: 130,
    steps: [{ kind: "card_fails", ago: 80, recovers: false }],
  },
  {
    name: "Tomás Silva",
    currency: "usd",
    tier: "plus",
    interval: "month",
    coupon: "DEMO_LAUNCH25",
    joined: 180,
    steps: [
      {
        kind: "cancel",
        ago: 140,
        feedback: "too_expensive",
        comment: "Budget cuts this quarter.",
        immediately: false,
      },
      { kind: "reactivate", ago: 60, tier: "pro", interval: "month" },
    ],
  },
  {
    name: "Uma Kowalski",
    currency: "eur",
    tier: "pro",
    interval: "year",
    coupon: "DEMO_WELCOME50",
    joined: 120,
    steps: [
      { kind: "cancel", ago: 40, feedback: "switched_service", comment: null, immediately: true },
    ],
  },
  {
    name: "Ada Silva",
    currency: "usd",
    tier: "plus",
    interval: "year",
    joined: 150,
    steps: [
      { kind: "order", ago: 45, items: [["notebook_a5_dot", 1]] },
      { kind: "credit", ago: 50, amount: 1500, description: "Referral reward" },
      { kind: "order", ago: 20, items: [["journal_hardcover_2027", 1]] },
      { kind: "order", ago: 12, items: [["ai_credits_100", 1]] },
      { kind: "order", ago: 5, items: [["ai_credits_500", 1]] },
    ],
  },
  {
    name: "Kemi Haddad",
    currency: "usd",
    tier: "basic",
    interval: "month",
    joined: 140,
    steps: [
      {
        kind: "order",
        ago: 30,
        items: [
          ["notebook_a5_dot", 2],
          ["fineliner_set", 1],
        ],
      },
      {
        kind: "order",
        ago: 8,
        items: [
          ["journal_hardcover_2027", 1],
          ["fineliner_set", 2],
        ],
      },
      { kind: "order", ago: 4, items: [["notebook_a5_dot", 1]] },
      { kind: "order", ago: 2, items: [["template_pack_quarterly", 1]] },
      { kind: "refund", ago: 0, partial: true },
    ],
  },
  {
    name: "Ben Lindqvist",
    currency: "usd",
    tier: "plus",
    interval: "month",
    trial: "lapses",
    joined: 60,
    steps: [],
  },
  {
    name: "Sami Brennan",
    currency: "eur",
    tier: "plus",
    interval: "month",
    trial: "converts",
    joined: 90,
    steps: [],
  },
];

/**
 * Renewed 3–6 days ago (a month is 28–31 days) on a card that declines: still past due with
 * dunning retrying when seeding ends, so support and finance have a failed payment to work on.
 * Every size ends with this customer (the generated casts' random failures may all be over).
 */
const PAST_DUE: Member = {
  name: "Olu Costa",
  currency: "usd",
  tier: "pro",
  interval: "month",
  joined: 34,
  steps: [{ kind: "card_fails", ago: 12, recovers: false }],
};

/** The tiny cast, seeded on the day `today` (start of day, unix seconds); `start` opens the history. */
export function tinyCast(today: number, start: number): CastMember[] {
  return [...MEMBERS, PAST_DUE].map((m, index) => written(m, index, today, start));
}

/** The customer who is past due when seeding ends, as cast member `index`. */
export function pastDueMember(index: number, today: number, start: number): CastMember {
  return written(PAST_DUE, index, today, start);
}

function written(
  { joined, steps, ...m }: Member,
  index: number,
  today: number,
  start: number,
): CastMember {
  return {
    seats: 0,
    trial: "none" as const,
    coupon: null,
    ...m,
    index,
    email: `${m.name}.${index}@example.com`
      .toLowerCase()
      .replace(" ", ".")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, ""),
    signupAt: (joined === null ? start : today - joined * DAY) + 10 * 3600,
    steps: steps
      .map(({ ago, ...s }) => ({ ...s, at: ago === 0 ? today : today - ago * DAY + 14 * 3600 }))
      .sort((a, b) => a.at - b.at),
  };
}
