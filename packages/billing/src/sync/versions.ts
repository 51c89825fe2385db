import { stripeCustomers, stripeInvoices, webhookEvents } from "@folio/db";
import { desc, eq, gt, max } from "drizzle-orm";
import type { SyncDeps } from "./hooks.ts";
import { idOf, type MirrorKind, type StripeObject } from "./kinds.ts";
import { needsStripe } from "./offline.ts";

// Versions for objects that come from the API rather than from an event: a lower bound of "now"
// in the time the object's own events are stamped with, rounded down to its second.
//
// Stripe stamps an object on a test clock (a customer on a clock, and what belongs to that
// customer) with the clock's time, which may be months ahead of — or behind — Stripe's own. So
// there is no single "Stripe now": each test clock is a time of its own. A fetched object is
// versioned in its own time only, so one clock's time never decides another object's freshness,
// and the object's own later events (stamped in that same time) still order after the fetch.

const SCAN = 100;

/** Which clock a customer or invoice is on never changes: remembered per Stripe client (one
 * account) across units of work, so applying an event rarely asks Stripe. */
const knownClocks = new WeakMap<object, Map<string, string | null>>();

/** Per database: the newest inbox event seen by the last scan, and the newest of Stripe's own
 * time among them. */
const inboxScans = new WeakMap<object, { newest: number; own: number }>();

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
    // No events of Stripe's own time anywhere: nothing can conflict, our clock is as good as any.
    return (this.stripeNowMs ??= this.computeStripeNow().then(
      (latest) => latest || this.deps.clock.now().getTime(),
    ));
  }

  private async computeStripeNow(): Promise<number> {
    const [api, inbox] = await Promise.all([
      this.options.askStripe ? this.stripeNowFromApi() : 0,
      this.stripeNowFromInbox(),
    ]);
    return Math.max(api, inbox);
  }

  /** The newest event Stripe lists that is of its own time (one small page, usually). */
  private async stripeNowFromApi(): Promise<number> {
    try {
      let page = await this.deps.stripe.events.list({ limit: 1 });
      for (let seen = 0; ;) {
        for (const e of page.data) {
          const o = e.data.object as unknown as StripeObject;
          if ((await this.domainOf(null, o)) === null) return e.created * 1000;
        }
        seen += page.data.length;
        const last = page.data.at(-1);
        if (!page.has_more || !last || seen >= SCAN) return 0;
        page = await this.deps.stripe.events.list({ limit: 20, starting_after: last.id });
      }
    } catch (err) {
      if (needsStripe(err)) throw err;
      // Listing events is an optimisation of the version; the inbox bound still holds.
      return 0;
    }
  }

  /**
   * The newest inbox event of Stripe's own time. Remembered per database: only events newer than
   * the last scan are looked at again (one that arrived late, older than that, can only make
   * the bound weaker — it stays a lower bound).
   */
  private async stripeNowFromInbox(): Promise<number> {
    const { db } = this.deps;
    const row = await db
      .select({ latest: max(webhookEvents.created) })
      .from(webhookEvents)
      .get();
    const newest = row?.latest ? row.latest.getTime() : 0;
    const known = inboxScans.get(db);
    if (known && known.newest >= newest) return known.own;
    let own = known?.own ?? 0;
    const after = new Date(known?.newest ?? -1);
    // Newest first, a few rows at a time: the newest is usually of Stripe's own time already.
    scan: for (let offset = 0, size = 1; offset < SCAN; offset += size, size = 20) {
      const rows = await db
        .select({ created: webhookEvents.created, payload: webhookEvents.payload })
        .from(webhookEvents)
        .where(gt(webhookEvents.created, after))
        .orderBy(desc(webhookEvents.created), desc(webhookEvents.id))
        .limit(size)
        .offset(offset);
      for (const r of rows) {
        const o = objectOf(r.payload);
        if (o && (await this.domainOf(null, o)) === null) {
          own = Math.max(own, r.created.getTime());
          break scan;
        }
      }
      if (rows.length < size) break;
    }
    inboxScans.set(db, { newest, own });
    return own;
  }

  private clockNow(clockId: string): Promise<number> {
    let p = this.clocks.get(clockId);
    if (!p) {
      p = this.deps.stripe.testHelpers.testClocks.retrieve(clockId).then(
        (c) => c.frozen_time * 1000,
        // A deleted clock took its objects with it: their own times still bound the version.
        (err: unknown) => {
          if (needsStripe(err)) throw err;
          return 0;
        },
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
    let known = knownClocks.get(this.deps.stripe);
    if (!known) knownClocks.set(this.deps.stripe, (known = new Map<string, string | null>()));
    const hit = known.get(id);
    if (hit !== undefined) return hit;
    const row = await this.deps.db.select({ raw: t.raw }).from(t).where(eq(t.id, id)).get();
    const raw =
      row?.raw ??
      (await retrieve().catch((err: unknown) => {
        if (needsStripe(err)) throw err;
        return undefined;
      }));
    if (raw === undefined) return undefined;
    const clock = idOf((raw as { test_clock?: string | { id: string } | null }).test_clock ?? null);
    if (known.size > 10_000) known.clear();
    known.set(id, clock);
    return clock;
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
