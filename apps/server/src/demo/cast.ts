import { CANCELLATION_FEEDBACK, type CancellationFeedback } from "@folio/billing";
import { pastDueMember, tinyCast } from "./cast-tiny.ts";
import { Random } from "./random.ts";

/**
 * The demo business's customers and what happens to each of them, decided up front from a
 * seed: a pure function of (size, the day it is seeded), so every fresh start tells the same
 * story. The stories (stories/*.ts) then play it through Stripe on test clocks.
 */

export const DAY = 86_400;
/** History reaches back this many months before today (metrics want at least 18). */
export const HISTORY_MONTHS = 19;
export const DEMO_SEED = 20261207;

export type Tier = "basic" | "plus" | "pro";
export type Interval = "month" | "year";
export type Currency = "usd" | "eur";

export type Step =
  | { kind: "upgrade"; at: number; to: Tier }
  | { kind: "downgrade"; at: number; to: Tier }
  | { kind: "seats"; at: number; quantity: number }
  | { kind: "card_fails"; at: number; recovers: boolean }
  | { kind: "card_fixed"; at: number }
  | {
      kind: "cancel";
      at: number;
      feedback: CancellationFeedback;
      comment: string | null;
      immediately: boolean;
    }
  | { kind: "reactivate"; at: number; tier: Tier; interval: Interval }
  | {
      kind: "order";
      at: number;
      items: readonly (readonly [lookupKey: string, quantity: number])[];
    }
  | { kind: "refund"; at: number; partial: boolean }
  | { kind: "credit"; at: number; amount: number; description: string };

export type StepKind = Step["kind"];

export interface CastMember {
  index: number;
  name: string;
  email: string;
  currency: Currency;
  signupAt: number;
  tier: Tier;
  interval: Interval;
  /** Extra shared-notebook seats (Pro only). */
  seats: number;
  trial: "none" | "converts" | "lapses";
  /** Coupon id (see COUPONS) applied at sign-up. */
  coupon: string | null;
  steps: Step[];
}

export const COUPONS = [
  {
    id: "DEMO_LAUNCH25",
    name: "Launch: 25% off for 3 months",
    percent_off: 25,
    duration: "repeating",
    duration_in_months: 3,
  },
  { id: "DEMO_FRIENDS10", name: "Friends of Quire: 10% off", percent_off: 10, duration: "forever" },
  {
    id: "DEMO_WELCOME50",
    name: "Welcome: 50% off the first invoice",
    percent_off: 50,
    duration: "once",
  },
] as const;

/**
 * `tiny` is the tests' cast, written out (cast-tiny.ts); `small` and `full` are generated below
 * and end with the tiny cast's customer who is past due today.
 */
export const SIZES = { tiny: 13, small: 36, full: 320 } as const;
export type DemoSize = keyof typeof SIZES;

/** Behaviours every size must show at least once; the first customers are given one each. */
export const SHOWCASE: readonly StepKind[] = [
  "upgrade",
  "downgrade",
  "seats",
  "card_fails",
  "cancel",
  "reactivate",
  "order",
  "refund",
  "credit",
];

const FIRST = [
  "Ada",
  "Ben",
  "Chloé",
  "Dev",
  "Elena",
  "Farid",
  "Greta",
  "Hiro",
  "Ines",
  "Jonas",
  "Kemi",
  "Lars",
  "Maya",
  "Nils",
  "Olu",
  "Priya",
  "Quinn",
  "Rosa",
  "Sami",
  "Tomás",
  "Uma",
  "Vera",
  "Wen",
  "Yusuf",
  "Zoe",
];
const LAST = [
  "Okafor",
  "Lindqvist",
  "Moreau",
  "Patel",
  "Rossi",
  "Nakamura",
  "García",
  "Schmidt",
  "Novak",
  "Kowalski",
  "Haddad",
  "Ivanova",
  "Brennan",
  "Costa",
  "Dubois",
  "Eriksen",
  "Fischer",
  "Jensen",
  "Kaur",
  "Silva",
];
const COMMENTS: Partial<Record<CancellationFeedback, readonly string[]>> = {
  too_expensive: ["Cheaper app does what I need.", "Budget cuts this quarter."],
  missing_features: ["No handwriting support yet.", "I need a shared calendar view."],
  switched_service: ["Moved to our company's notes tool."],
  unused: ["Didn't keep the habit, sadly.", "Back to paper notebooks!"],
  too_complex: ["Too many options for a journal."],
};

const SHOP_BASKETS: readonly (readonly (readonly [string, number])[])[] = [
  [["notebook_a5_dot", 1]],
  [
    ["notebook_a5_dot", 2],
    ["fineliner_set", 1],
  ],
  [["journal_hardcover_2027", 1]],
  [
    ["journal_hardcover_2027", 1],
    ["fineliner_set", 2],
  ],
  [["template_pack_quarterly", 1]],
  [["ai_credits_100", 1]],
  [["ai_credits_500", 1]],
];

export function startOfDay(unix: number): number {
  return Math.floor(unix / DAY) * DAY;
}

/** `months` calendar months before the day of `unix` (UTC), clamped to the month's length. */
export function monthsBefore(unix: number, months: number): number {
  const d = new Date(startOfDay(unix) * 1000);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, 1));
  const days = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), days));
  return Math.floor(target.getTime() / 1000);
}

/** The whole cast for `size`, seeded on the day `now` falls in. */
export function castFor(size: DemoSize, now: number): CastMember[] {
  const random = new Random(DEMO_SEED);
  const today = startOfDay(now);
  const start = monthsBefore(today, HISTORY_MONTHS);
  if (size === "tiny") return tinyCast(today, start);
  const count = SIZES[size] - 1;
  const members = Array.from({ length: count }, (_, index) =>
    member(
      random,
      index,
      start,
      today,
      SHOWCASE[index % SHOWCASE.length],
      index < SHOWCASE.length * 2,
    ),
  );
  members.push(pastDueMember(count, today, start));
  return members.sort((a, b) => a.signupAt - b.signupAt || a.index - b.index);
}

function member(
  random: Random,
  index: number,
  start: number,
  today: number,
  showcase: StepKind | undefined,
  forced: boolean,
): CastMember {
  const first = random.pick(FIRST);
  const last = random.pick(LAST);
  const span = today - start;
  // A growing business: more sign-ups lately (density rising over time), some from the start.
  // Showcased behaviours need time to play out, so those customers joined in the first half.
  const u = random.next();
  // The first customer opens the history on its first day.
  const position = index === 0 ? 0 : forced ? u * 0.5 : random.chance(0.25) ? u : Math.cbrt(u);
  const signupAt = start + Math.floor(position * (span - 3 * DAY)) + random.int(8, 20) * 3600;
  const shops = showcase === "order" || showcase === "refund";
  const currency: Currency = !(forced && shops) && random.chance(0.25) ? "eur" : "usd";
  let tier: Tier = random.weighted([
    ["basic", 3],
    ["plus", 4],
    ["pro", 3],
  ] as const);
  if (forced && (showcase === "upgrade" || showcase === "seats"))
    tier = showcase === "seats" ? "pro" : "basic";
  if (forced && showcase === "downgrade") tier = "pro";
  const monthlyOnly =
    forced && (showcase === "card_fails" || showcase === "upgrade" || showcase === "downgrade");
  const interval: Interval =
    !monthlyOnly &&
    random.chance(0.4) &&
    index !== SHOWCASE.length * 2 &&
    index !== SHOWCASE.length * 2 + 1
      ? "year"
      : "month";
  // After the showcased behaviours, one trial that lapses and one that converts, in every size.
  const showTrial = index - SHOWCASE.length * 2;
  if (showTrial === 0 || showTrial === 1) tier = "plus";
  const trial =
    showTrial === 0
      ? "lapses"
      : showTrial === 1
        ? "converts"
        : tier === "basic" || interval === "year" || forced || !random.chance(0.5)
          ? "none"
          : random.chance(0.35)
            ? "lapses"
            : "converts";
  const coupon = random.chance(0.15) ? random.pick(COUPONS).id : null;
  const m: CastMember = {
    index,
    name: `${first} ${last}`,
    email: `${first}.${last}.${index}@example.com`
      .toLowerCase()
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, ""),
    currency,
    signupAt,
    tier,
    interval,
    seats: tier === "pro" && random.chance(0.4) ? random.int(1, 4) : 0,
    trial,
    coupon,
    steps: [],
  };
  if (trial !== "lapses") m.steps = story(random, m, today, forced ? showcase : undefined);
  return m;
}

/** A time in (from, to), or null when that window is empty. */
function between(random: Random, from: number, to: number): number | null {
  if (to - from < DAY) return null;
  return from + Math.floor(random.next() * (to - from));
}

function story(
  random: Random,
  m: CastMember,
  today: number,
  showcase: StepKind | undefined,
): Step[] {
  const steps: Step[] = [];
  const settled = m.signupAt + (m.trial === "converts" ? 20 : 5) * DAY;
  const want = (kind: StepKind, p: number) => showcase === kind || random.chance(p);
  // The end of the subscription, if it ends: a cancellation (with the survey's reason), or
  // a card that keeps failing until dunning gives up.
  let end = today;
  if (want("cancel", 0.22) || showcase === "reactivate") {
    const at = between(random, settled + 30 * DAY, today - 5 * DAY);
    if (at) {
      const feedback = random.pick(CANCELLATION_FEEDBACK);
      const comments = COMMENTS[feedback];
      steps.push({
        kind: "cancel",
        at,
        feedback,
        comment: comments && random.chance(0.6) ? random.pick(comments) : null,
        immediately: random.chance(0.2),
      });
      end = at;
      if (want("reactivate", 0.25)) {
        const back = between(random, at + 45 * DAY, today - 2 * DAY);
        if (back)
          steps.push({
            kind: "reactivate",
            at: back,
            tier: random.pick(["plus", "pro"] as const),
            interval: "month",
          });
      }
    }
  } else if (m.interval === "month" && random.chance(0.04)) {
    const at = between(random, settled, today - 20 * DAY);
    if (at) {
      steps.push({ kind: "card_fails", at, recovers: false });
      end = at;
    }
  }
  if (m.interval === "month" && want("card_fails", 0.08)) {
    const at = between(random, settled, end - 2 * DAY);
    if (at) steps.push({ kind: "card_fails", at, recovers: !random.chance(0.3) });
  }
  if (m.tier !== "pro" && want("upgrade", 0.15)) {
    const at = between(random, settled, end - 2 * DAY);
    if (at) steps.push({ kind: "upgrade", at, to: m.tier === "basic" ? "plus" : "pro" });
  }
  if (m.tier === "pro" && m.interval === "month" && want("downgrade", 0.07)) {
    const at = between(random, settled, end - 2 * DAY);
    if (at) steps.push({ kind: "downgrade", at, to: "plus" });
  }
  if (m.tier === "pro" && want("seats", 0.35)) {
    const at = between(random, settled, end - 2 * DAY);
    if (at)
      steps.push({
        kind: "seats",
        at,
        quantity: Math.max(0, m.seats + random.pick([-1, 1, 2, 3])),
      });
  }
  if (want("credit", 0.08)) {
    const at = between(random, settled, end);
    const amount = random.pick([500, 1000, 1500, 2500]);
    if (at)
      steps.push({
        kind: "credit",
        at,
        amount,
        description: random.pick([
          "Goodwill credit after the sync outage",
          "Thanks for the detailed bug report",
          "Referral reward",
        ]),
      });
  }
  if (m.currency === "usd" && (want("order", 0.3) || showcase === "refund")) {
    const orders = random.int(1, 2);
    for (let i = 0; i < orders; i++) {
      // Recent orders dominate, so the fulfilment queue has work in every state.
      const at = between(
        random,
        Math.max(settled, today - (random.chance(0.6) ? 40 : 300) * DAY),
        today - DAY,
      );
      if (at) steps.push({ kind: "order", at, items: random.pick(SHOP_BASKETS) });
    }
    // Refunds are issued today (the emulator dates a refund by its own clock, not the customer's).
    if (want("refund", 0.2)) steps.push({ kind: "refund", at: today, partial: random.chance(0.5) });
  }
  return steps.sort((a, b) => a.at - b.at);
}
