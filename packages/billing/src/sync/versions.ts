import { stripeCustomers, stripeInvoices, webhookEvents } from "@folio/db";
import { desc, eq, max } from "drizzle-orm";
import type { SyncDeps } from "./hooks.ts";
import { idOf, type MirrorKind, type StripeObject } from "./kinds.ts";

// Versions for objects that come from the API rather than from an event: a lower bound of "now"
// in the time the object's own events are stamped with, rounded down to its second.
//
// Stripe stamps an object on a test clock (a customer on a clock, and what belongs to that
// customer) with the clock's time, which may be months ahead of — or behind — Stripe's own. So
// there is no single "Stripe now": each test clock is a time of its own. A fetched object is
// versioned in its own time only, so one clock's time never decides another object's freshness,
// and the object's own later events (stamped in that same time) still order after the fetch.

const SCAN = 100;

/** Whose time stamps an object's events: a test clock's id, null for Stripe's own clock, or
 * undefined when that cannot be told now (its customer is unknown here and Stripe unreachable). */
export type TimeDomain = string | null | undefined;

export interface FetchVersionsOptions {
  /** Also ask Stripe for its newest events (backfills, the write path). The inbox alone serves
   * while applying events: everything Stripe sent before is there. */
  askStripe?: boolean;
}

/**
 * Lower bounds of "now" (ms, a whole second), per time domain, memoized for one unit of work
 * (an inbox event, a backfill, a write-path store). A memoized bound only gets more conservative
 * as time moves on, so reusing it is safe.
 */
export class FetchVersions {
  private readonly clocks = new Map<string, Promise<number>>();
  private readonly customerClocks = new Map<string, Promise<TimeDomain>>();
  private readonly invoiceClocks = new Map<string, Promise<TimeDomain>>();
  private stripeNowMs: Promise<number> | undefined;

  constructor(
    private readonly deps: SyncDeps,
    private readonly options: FetchVersionsOptions = {},
  ) {}

  /**
   * The version for `object` fetched now: the newest of what is certainly past in its own time —
   * its time domain's "now" (the test clock's frozen time, or the newest event Stripe stamped with
   * its own clock), its own `created`, and the newest of its own events in the inbox.
   */
  async of(kind: MirrorKind, object: StripeObject): Promise<number> {
    const domain = await this.domainOf(kind, object);
    const [bound, own] = await Promise.all([
      // A domain unknown: only the object's own times bound the version (safe, if weaker).
      domain === undefined ? 0 : domain === null ? this.stripeNow() : this.clockNow(domain),
      this.newestOwnEvent(object.id),
    ]);
    const created = typeof object.created === "number" ? object.created * 1000 : 0;
    return toSecond(Math.max(bound, own, created));
  }

  /** Reads every test clock's time up front, so objects listed afterwards are versioned by a
   * clock time read before they were fetched. */
  async preloadClocks(): Promise<void> {
    try {
      for await (const c of this.deps.stripe.testHelpers.testClocks.list({ limit: 100 })) {
        this.clocks.set(c.id, Promise.resolve(c.frozen_time * 1000));
      }
    } catch {
      // Test clocks exist in test mode only; objects then fall back to reading their own clock.
    }
  }

  /** A lower bound of Stripe's own "now": the newest event of an object on no test clock. */
  stripeNow(): Promise<number> {
    return (this.stripeNowMs ??= this.computeStripeNow());
  }

  private async computeStripeNow(): Promise<number> {
    let latest = 0;
    if (this.options.askStripe) {
      try {
        let seen = 0;
        for await (const e of this.deps.stripe.events.list({ limit: 20 })) {
          const o = e.data.object as unknown as StripeObject;
          if ((await this.domainOf(null, o)) === null) {
            latest = e.created * 1000;
            break;
          }
          if (++seen >= SCAN) break;
        }
      } catch {
        // Listing events is an optimisation of the version; the inbox bound still holds.
      }
    }
    const rows = await this.deps.db
      .select({ created: webhookEvents.created, payload: webhookEvents.payload })
      .from(webhookEvents)
      .orderBy(desc(webhookEvents.created))
      .limit(SCAN);
    for (const row of rows) {
      if (row.created.getTime() <= latest) break;
      const o = objectOf(row.payload);
      if (o && (await this.domainOf(null, o)) === null) {
        latest = row.created.getTime();
        break;
      }
    }
    // No events of Stripe's own time anywhere: nothing can conflict, our clock is as good as any.
    return latest > 0 ? latest : this.deps.clock.now().getTime();
  }

  private clockNow(clockId: string): Promise<number> {
    let p = this.clocks.get(clockId);
    if (!p) {
      p = this.deps.stripe.testHelpers.testClocks.retrieve(clockId).then(
        (c) => c.frozen_time * 1000,
        // A deleted clock took its objects with it: their own times still bound the version.
        () => 0,
      );
      this.clocks.set(clockId, p);
    }
    return p;
  }

  private async newestOwnEvent(objectId: string): Promise<number> {
    const row = await this.deps.db
      .select({ latest: max(webhookEvents.created) })
      .from(webhookEvents)
      .where(eq(webhookEvents.objectId, objectId))
      .get();
    return row?.latest ? row.latest.getTime() : 0;
  }

  /**
   * The test clock whose time stamps this object's events: its own `test_clock` (customers,
   * subscriptions, invoices), its customer's, or — for an invoice payment — its invoice's.
   */
  async domainOf(kind: MirrorKind | null, object: StripeObject): Promise<TimeDomain> {
    const o = object as unknown as Record<string, unknown>;
    if (o.object === "test_helpers.test_clock") return object.id;
    if ("test_clock" in o) return idOf(o.test_clock as string | { id: string } | null);
    if (kind === "customer" || o.object === "customer") return this.customerClock(object.id);
    const customer = idOf(o.customer as string | { id: string } | null | undefined);
    if (customer) return this.customerClock(customer);
    if (o.object === "invoice_payment") {
      const invoice = idOf(o.invoice as string | { id: string } | null | undefined);
      if (invoice) return this.invoiceClock(invoice);
    }
    return null;
  }

  private customerClock(id: string): Promise<TimeDomain> {
    let p = this.customerClocks.get(id);
    if (!p) {
      p = this.clockOfStored(stripeCustomers, id, () =>
        this.deps.stripe.customers.retrieve(id).then((c) => c as unknown as StripeObject),
      );
      this.customerClocks.set(id, p);
    }
    return p;
  }

  private invoiceClock(id: string): Promise<TimeDomain> {
    let p = this.invoiceClocks.get(id);
    if (!p) {
      p = this.clockOfStored(stripeInvoices, id, () =>
        this.deps.stripe.invoices.retrieve(id).then((i) => i as unknown as StripeObject),
      );
      this.invoiceClocks.set(id, p);
    }
    return p;
  }

  /** The mirror knows which clock an object is on (it never changes); else Stripe does. */
  private async clockOfStored(
    t: typeof stripeCustomers | typeof stripeInvoices,
    id: string,
    retrieve: () => Promise<StripeObject>,
  ): Promise<TimeDomain> {
    const row = await this.deps.db.select({ raw: t.raw }).from(t).where(eq(t.id, id)).get();
    const raw = row?.raw ?? (await retrieve().catch(() => undefined));
    if (raw === undefined) return undefined;
    const clock = (raw as { test_clock?: string | { id: string } | null }).test_clock;
    return idOf(clock ?? null);
  }
}

const toSecond = (ms: number) => ms - (ms % 1000);

function objectOf(payload: string): StripeObject | null {
  try {
    const o = (JSON.parse(payload) as { data?: { object?: StripeObject } }).data?.object;
    return o && typeof o.id === "string" ? o : null;
  } catch {
    return null;
  }
}
