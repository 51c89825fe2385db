import type Stripe from "stripe";
import { DAY, type CastMember, type Step } from "./cast.ts";
import { act, signUp, type Customer, type StoryContext } from "./stories/index.ts";

/** Stripe allows three customers per test clock. */
export const CUSTOMERS_PER_CLOCK = 3;
/** Below Stripe's limit of two billing periods of the shortest (monthly) subscription per advance. */
const MAX_ADVANCE = 50 * DAY;

type Entry =
  | { at: number; order: number; kind: "signup"; member: CastMember }
  | { at: number; order: number; kind: "step"; member: CastMember; step: Step };

export interface PlayReport {
  customers: Customer[];
  /** Steps that Stripe refused (kept going without them), with the reason. */
  failures: string[];
}

/**
 * Plays the cast on test clocks, three customers to a clock: each clock starts the day its
 * first customer signs up and is advanced to each next step (Stripe runs the renewals, trial
 * ends and dunning retries on the way), then to `until`. Clocks are played side by side.
 */
export async function playCast(
  ctx: StoryContext,
  cast: readonly CastMember[],
  { until, concurrency, onStep }: { until: number; concurrency: number; onStep: () => void },
): Promise<PlayReport> {
  const groups: CastMember[][] = [];
  for (let i = 0; i < cast.length; i += CUSTOMERS_PER_CLOCK) {
    groups.push(cast.slice(i, i + CUSTOMERS_PER_CLOCK));
  }
  const report: PlayReport = { customers: [], failures: [] };
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const index = next++;
      const group = groups[index];
      if (group) await playGroup(ctx, index, group, until, report, onStep);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, worker));
  report.customers.sort((a, b) => a.member.index - b.member.index);
  return report;
}

/** How many progress ticks playing `cast` makes (sign-ups and planned steps; follow-ups add a few). */
export function plannedSteps(cast: readonly CastMember[]): number {
  return cast.reduce((n, m) => n + 1 + m.steps.length, 0);
}

async function playGroup(
  ctx: StoryContext,
  index: number,
  group: CastMember[],
  until: number,
  report: PlayReport,
  onStep: () => void,
): Promise<void> {
  const first = group[0];
  if (!first) return;
  const clock = await ctx.stripe.testHelpers.testClocks.create({
    frozen_time: first.signupAt,
    name: `Folio demo business ${String(index + 1).padStart(3, "0")}`,
  });
  let order = 0;
  const queue: Entry[] = [];
  for (const member of group) {
    queue.push({ at: member.signupAt, order: order++, kind: "signup", member });
    for (const step of member.steps)
      queue.push({ at: step.at, order: order++, kind: "step", member, step });
  }
  const customers = new Map<number, Customer>();
  let frozen = first.signupAt;
  for (;;) {
    queue.sort((a, b) => a.at - b.at || a.order - b.order);
    const entry = queue.shift();
    if (!entry || entry.at > until) break;
    frozen = await advance(ctx.stripe, clock.id, frozen, entry.at);
    try {
      if (entry.kind === "signup") {
        const customer = await signUp(ctx, entry.member, clock.id);
        customers.set(entry.member.index, customer);
        report.customers.push(customer);
      } else {
        const customer = customers.get(entry.member.index);
        if (!customer) continue;
        const planned = await act(ctx, customer, entry.step);
        for (const step of planned)
          queue.push({ at: step.at, order: order++, kind: "step", member: entry.member, step });
      }
    } catch (err) {
      report.failures.push(
        `${entry.member.email} ${entry.kind === "step" ? entry.step.kind : "signup"}: ${(err as Error).message}`,
      );
    }
    onStep();
  }
  await advance(ctx.stripe, clock.id, frozen, until);
}

/** Moves the clock to `to` in steps Stripe accepts, waiting for each advance to finish. */
async function advance(stripe: Stripe, clockId: string, from: number, to: number): Promise<number> {
  let frozen = from;
  while (frozen < to) {
    const target = Math.min(to, frozen + MAX_ADVANCE);
    await stripe.testHelpers.testClocks.advance(clockId, { frozen_time: target });
    for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
      const clock = await stripe.testHelpers.testClocks.retrieve(clockId);
      if (clock.status === "ready") break;
      if (clock.status === "internal_failure")
        throw new Error(`Test clock ${clockId} failed to advance.`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    frozen = target;
  }
  return frozen;
}
