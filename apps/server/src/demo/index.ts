import { audit, type Clock } from "@folio/billing";
import { auditLog, webhookEvents, withTransaction, type Db } from "@folio/db";
import { and, count, eq, inArray } from "drizzle-orm";
import type Stripe from "stripe";
import { castFor, COUPONS, type DemoSize } from "./cast.ts";
import { createCastUsers } from "./customers.ts";
import type { ProgressBar } from "./progress.ts";
import { setDemoProgress } from "./status.ts";
import { playCast, plannedSteps } from "./runner.ts";
import { giveStaffWork } from "./stories/staff.ts";

export { castFor, SIZES, type DemoSize } from "./cast.ts";

/** The audit row that says the demo business was seeded into this database (the reuse marker). */
export const DEMO_BUSINESS_ACTION = "demo.business_seeded";
const ACTOR = { type: "job", name: "demo-seed" } as const;

export interface DemoBusinessDeps {
  db: Db;
  stripe: Stripe;
  clock: Clock;
  /** Resolves once the emulator has delivered every webhook (the embedded emulator's flush). */
  flushWebhooks: () => Promise<void>;
  progress?: ProgressBar | null;
  /** Clocks played side by side. */
  concurrency?: number;
}

export type DemoBusinessResult =
  | {
      seeded: true;
      customers: number;
      failures: string[];
      events: number;
      ms: number;
      cpuMs: number;
    }
  | { seeded: false; reason: string };

/** Whether this database already holds the demo business (seeded once; later starts reuse it). */
export async function demoBusinessSeeded(db: Db): Promise<boolean> {
  const row = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(eq(auditLog.action, DEMO_BUSINESS_ACTION))
    .limit(1)
    .get();
  return row !== undefined;
}

/**
 * Creates the demo business through Stripe (the embedded emulator) and lets it reach Folio by
 * webhook like any account's history: customers on test clocks that start up to 19 months ago
 * and are advanced to today. Runs once per database; returns when Folio has applied every event.
 */
export async function seedDemoBusiness(
  deps: DemoBusinessDeps,
  size: DemoSize,
): Promise<DemoBusinessResult> {
  // However it ends, /healthz stops saying "preparing" (the server may have said so already).
  try {
    return await seedOnce(deps, size);
  } finally {
    setDemoProgress(null);
  }
}

async function seedOnce(deps: DemoBusinessDeps, size: DemoSize): Promise<DemoBusinessResult> {
  const { db, stripe } = deps;
  if (await demoBusinessSeeded(db)) return { seeded: false, reason: "already seeded" };
  const existing = await stripe.testHelpers.testClocks.list({ limit: 100 });
  if (existing.data.some((c) => c.name?.startsWith("Folio demo business"))) {
    // Stripe has the clocks but Folio never finished: a start interrupted mid-seed. Playing the
    // story again would make every customer twice.
    return {
      seeded: false,
      reason:
        "an earlier start was interrupted while seeding; delete the data directory (DATABASE_PATH and its .stripe-emulator.sqlite) to seed again",
    };
  }
  const started = { ms: Date.now(), cpu: process.cpuUsage() };
  const show = (fraction: number, label: string) => {
    setDemoProgress(fraction);
    deps.progress?.update(fraction, label);
  };
  show(0, "starting");
  return seed(deps, size, show, started);
}

async function seed(
  { db, stripe, clock, flushWebhooks, progress, concurrency }: DemoBusinessDeps,
  size: DemoSize,
  show: (fraction: number, label: string) => void,
  started: { ms: number; cpu: NodeJS.CpuUsage },
): Promise<DemoBusinessResult> {
  await ensureCoupons(stripe);
  const prices = await pricesByLookupKey(stripe);
  const now = Math.floor(clock.now().getTime() / 1000);
  const cast = castFor(size, now);
  const users = await createCastUsers(db, cast);
  const planned = plannedSteps(cast);
  let done = 0;
  // Playing the story is the first half of the bar, Folio applying its events the second.
  const report = await playCast({ stripe, prices, users }, cast, {
    until: now,
    concurrency: concurrency ?? 12,
    onStep: () => {
      done += 1;
      show(
        (0.5 * Math.min(done, planned)) / planned,
        `${Math.min(done, planned)}/${planned} customer steps played`,
      );
    },
  });
  await flushWebhooks();
  const events = await waitUntilApplied(db, (applied, total) =>
    show(0.5 + (0.5 * applied) / Math.max(total, 1), `${applied}/${total} webhook events applied`),
  );
  show(1, "staff at work on the queue");
  await giveStaffWork({ db, stripe, clock });
  await withTransaction(db, async (tx) => {
    await audit(tx, ACTOR, {
      action: DEMO_BUSINESS_ACTION,
      target: "demo:business",
      after: { size, customers: report.customers.length, failures: report.failures.length, events },
      at: clock.now(),
    });
  });
  const ms = Date.now() - started.ms;
  // Every thread of the process (the emulator, webhook intake, the apply thread): with the wall
  // time, it tells a busy machine from slow seeding.
  const cpu = process.cpuUsage(started.cpu);
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  progress?.done(
    `Demo business ready: ${report.customers.length} customers, ${events} webhook events applied in ${(ms / 1000).toFixed(1)} s (${(cpuMs / 1000).toFixed(1)} s of CPU).`,
  );
  return {
    seeded: true,
    customers: report.customers.length,
    failures: report.failures,
    events,
    ms,
    cpuMs,
  };
}

async function ensureCoupons(stripe: Stripe): Promise<void> {
  for (const coupon of COUPONS) {
    try {
      await stripe.coupons.retrieve(coupon.id);
    } catch {
      await stripe.coupons.create({ ...coupon, metadata: { folio_demo: "business" } });
    }
  }
}

async function pricesByLookupKey(stripe: Stripe): Promise<Map<string, string>> {
  const prices = new Map<string, string>();
  for await (const price of stripe.prices.list({ active: true, limit: 100 })) {
    if (price.lookup_key) prices.set(price.lookup_key, price.id);
  }
  return prices;
}

/** Waits until Folio's inbox holds no event still to apply; returns how many it holds in all. */
async function waitUntilApplied(
  db: Db,
  report: (applied: number, total: number) => void,
): Promise<number> {
  for (;;) {
    const [pending, total] = await Promise.all([
      db
        .select({ n: count() })
        .from(webhookEvents)
        .where(and(inArray(webhookEvents.status, ["pending"])))
        .get(),
      db.select({ n: count() }).from(webhookEvents).get(),
    ]);
    const left = pending?.n ?? 0;
    const all = total?.n ?? 0;
    report(all - left, all);
    if (left === 0) return all;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
