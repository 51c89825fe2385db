import { eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import { applySnapshots } from "./apply.ts";
import { WRITES, type Snapshot } from "./decide.ts";
import type { SyncDeps, SyncHooks } from "./hooks.ts";
import { KINDS, TABLES, type MirrorKind, type StripeObject } from "./kinds.ts";
import type { ApplyContext, PlannedWrite } from "./plan.ts";
import { FetchVersions } from "./versions.ts";

export interface SyncCounts {
  created: number;
  updated: number;
  unchanged: number;
  tombstoned: number;
}

export type SyncSummary = Partial<Record<MirrorKind, SyncCounts & { error?: string }>>;

export interface SyncProgress {
  kind: MirrorKind;
  /** Objects of this kind processed so far (Stripe lists have no total). */
  done: number;
  finished: boolean;
}

export interface SyncAllOptions {
  /** Only objects created at or after this time (no tombstoning then: the listing is partial). */
  since?: Date;
  onProgress?: (p: SyncProgress) => void;
  /** Restrict to some kinds (default: all, parents first). */
  kinds?: readonly MirrorKind[];
  pageSize?: number;
}

/** Parents first, so children rarely need a parent fetch. */
export const SYNC_ORDER: readonly MirrorKind[] = [
  "product",
  "price",
  "customer",
  "customer_balance_transaction",
  "subscription",
  "invoice",
  "invoice_payment",
  "payment_intent",
  "charge",
  "refund",
  "dispute",
  "checkout_session",
];

type Lister = (
  stripe: Stripe,
  params: { limit: number; created?: { gte: number } },
) => AsyncIterable<StripeObject>;

const asObjects = <T>(it: AsyncIterable<T>) => it as unknown as AsyncIterable<StripeObject>;

const LISTERS: Record<Exclude<MirrorKind, "customer_balance_transaction">, Lister> = {
  customer: (s, p) => asObjects(s.customers.list(p)),
  product: (s, p) => asObjects(s.products.list(p)),
  price: (s, p) => asObjects(s.prices.list(p)),
  subscription: (s, p) => asObjects(s.subscriptions.list({ ...p, status: "all" })),
  invoice: (s, p) => asObjects(s.invoices.list(p)),
  invoice_payment: (s, p) => asObjects(s.invoicePayments.list(p)),
  payment_intent: (s, p) => asObjects(s.paymentIntents.list(p)),
  charge: (s, p) => asObjects(s.charges.list(p)),
  refund: (s, p) => asObjects(s.refunds.list(p)),
  dispute: (s, p) => asObjects(s.disputes.list(p)),
  checkout_session: (s, p) => asObjects(s.checkout.sessions.list(p)),
};

function count(summary: SyncCounts, w: PlannedWrite | undefined) {
  if (!w) return;
  if (w.decision === "insert") summary.created++;
  else if (w.decision === "update") summary.updated++;
  else if (w.decision === "tombstone") summary.tombstoned++;
  else summary.unchanged++;
}

const empty = (): SyncCounts => ({ created: 0, updated: 0, unchanged: 0, tombstoned: 0 });

/** Counts each object once per run, under its own type, whichever listing brought it in. */
class Tally {
  readonly summary: SyncSummary = {};
  private readonly counted = new Set<string>();

  of(kind: MirrorKind): SyncCounts & { error?: string } {
    return (this.summary[kind] ??= empty());
  }

  add(w: PlannedWrite) {
    const key = `${w.snap.kind}:${w.snap.object.id}`;
    if (this.counted.has(key)) return;
    this.counted.add(key);
    count(this.of(w.snap.kind), w);
  }

  unchanged(kind: MirrorKind, id: string) {
    const key = `${kind}:${id}`;
    if (this.counted.has(key)) return;
    this.counted.add(key);
    this.of(kind).unchanged++;
  }
}

async function applyFetched(
  ctx: ApplyContext,
  kind: MirrorKind,
  objects: StripeObject[],
  tally: Tally,
) {
  if (objects.length === 0) return;
  const snaps: Snapshot[] = [];
  for (const object of objects) {
    snaps.push({
      kind,
      object,
      version: await ctx.fetchVersion(kind, object),
      eventId: null,
      tombstone: false,
      fromFetch: true,
    });
  }
  const writes = (await applySnapshots(ctx, snaps)) ?? [];
  for (const w of writes) if (w.decision !== "touch" && WRITES.has(w.decision)) tally.add(w);
  for (const o of objects) tally.unchanged(kind, o.id);
}

/**
 * Backfill / reconcile: lists every synced type from Stripe (subscriptions with `status: "all"`),
 * upserts under the same version guard as webhooks (a fetched object outranks events of earlier
 * seconds in its own time; one of its own second ties and is fetched again), and — on a full run —
 * tombstones live rows of deletable types that Stripe no longer has. Returns
 * created/updated/unchanged/tombstoned per type.
 */
export async function syncAll(
  deps: SyncDeps & { hooks?: SyncHooks },
  options: SyncAllOptions = {},
): Promise<SyncSummary> {
  const ctx = await fetchContext(deps);
  const pageSize = options.pageSize ?? 100;
  const created = options.since ? { gte: Math.floor(options.since.getTime() / 1000) } : undefined;
  const tally = new Tally();
  const kinds = SYNC_ORDER.filter((k) => !options.kinds || options.kinds.includes(k));
  const customerIds: string[] = [];

  for (const kind of kinds) {
    const counts = tally.of(kind);
    let done = 0;
    const seen = new Set<string>();
    try {
      const source =
        kind === "customer_balance_transaction"
          ? balanceTransactions(deps.stripe, customerIds, pageSize)
          : LISTERS[kind](deps.stripe, { limit: pageSize, ...(created ? { created } : {}) });
      let page: StripeObject[] = [];
      for await (const o of source) {
        seen.add(o.id);
        if (kind === "customer") customerIds.push(o.id);
        page.push(o);
        if (page.length >= pageSize) {
          await applyFetched(ctx, kind, page, tally);
          done += page.length;
          page = [];
          options.onProgress?.({ kind, done, finished: false });
        }
      }
      await applyFetched(ctx, kind, page, tally);
      done += page.length;
      if (!options.since && KINDS[kind].deletable) {
        counts.tombstoned += await tombstoneVanished(ctx, kind, seen);
      }
    } catch (err) {
      counts.error = err instanceof Error ? err.message : String(err);
    }
    options.onProgress?.({ kind, done, finished: true });
  }
  return tally.summary;
}

async function* balanceTransactions(
  stripe: Stripe,
  customerIds: readonly string[],
  pageSize: number,
): AsyncIterable<StripeObject> {
  for (const id of customerIds) {
    yield* asObjects(stripe.customers.listBalanceTransactions(id, { limit: pageSize }));
  }
}

/**
 * Versions come per object, in the object's own time (its test clock's, or Stripe's): every test
 * clock's time is read before anything is listed, as is Stripe's own.
 */
async function fetchContext(deps: SyncDeps & { hooks?: SyncHooks }): Promise<ApplyContext> {
  const versions = new FetchVersions(deps, { askStripe: true });
  await versions.preloadClocks();
  const now = await versions.stripeNow();
  return {
    deps,
    hooks: deps.hooks ?? [],
    event: { id: null, type: "sync", created: new Date(now) },
    fetchVersion: (kind, o) => versions.of(kind, o),
  };
}

/** Live rows missing from a full listing; each is confirmed gone with a retrieve first (rows
 * stored since the listing began are missing legitimately, and the retrieve finds them). */
async function tombstoneVanished(
  ctx: ApplyContext,
  kind: MirrorKind,
  seen: ReadonlySet<string>,
): Promise<number> {
  const t = TABLES[kind] as unknown as typeof TABLES.customer;
  const candidates = (
    await ctx.deps.db.select({ id: t.id, raw: t.raw }).from(t).where(isNull(t.deletedAt))
  ).filter((r) => !seen.has(r.id));
  let n = 0;
  for (const row of candidates) {
    const version = await ctx.fetchVersion(kind, row.raw);
    const still = await KINDS[kind].retrieve(ctx.deps.stripe, row.id, row.raw);
    if (still) continue;
    const writes = await applySnapshots(ctx, [
      {
        kind,
        object: row.raw,
        version,
        eventId: null,
        tombstone: true,
        fromFetch: true,
      },
    ]);
    if (writes?.some((w) => w.decision === "tombstone")) n++;
  }
  return n;
}

/** Everything of one customer, fresh from Stripe (the admin console's "resync" button). */
export async function resyncCustomer(
  deps: SyncDeps & { hooks?: SyncHooks },
  stripeCustomerId: string,
): Promise<SyncSummary> {
  const ctx = await fetchContext(deps);
  const summary: SyncSummary = {};
  const s = deps.stripe;
  const customer = await KINDS.customer.retrieve(s, stripeCustomerId);
  if (!customer) {
    const t = TABLES.customer;
    const row = await deps.db
      .select({ raw: t.raw })
      .from(t)
      .where(eq(t.id, stripeCustomerId))
      .get();
    summary.customer = empty();
    if (row) {
      const writes = await applySnapshots(ctx, [
        {
          kind: "customer",
          object: row.raw,
          version: await ctx.fetchVersion("customer", row.raw),
          eventId: null,
          tombstone: true,
          fromFetch: true,
        },
      ]);
      count(summary.customer, writes?.[0]);
    }
    return summary;
  }
  const c = { customer: stripeCustomerId, limit: 100 } as const;
  const charges: Stripe.Charge[] = [];
  // Refunds and disputes cannot be listed by customer: those of the customer's charges that
  // were refunded or disputed are listed per charge.
  async function* perCharge(
    which: (ch: Stripe.Charge) => boolean,
    list: (ch: Stripe.Charge) => AsyncIterable<unknown>,
  ): AsyncIterable<StripeObject> {
    for (const ch of charges.filter(which)) yield* asObjects(list(ch));
  }
  const sources: Array<[MirrorKind, () => Iterable<StripeObject> | AsyncIterable<StripeObject>]> = [
    ["customer", () => [customer]],
    [
      "customer_balance_transaction",
      () => asObjects(s.customers.listBalanceTransactions(stripeCustomerId, { limit: 100 })),
    ],
    ["subscription", () => asObjects(s.subscriptions.list({ ...c, status: "all" }))],
    ["invoice", () => asObjects(s.invoices.list(c))],
    ["payment_intent", () => asObjects(s.paymentIntents.list(c))],
    ["charge", () => asObjects(s.charges.list(c))],
    [
      "refund",
      () =>
        perCharge(
          (ch) => ch.refunded || ch.amount_refunded > 0,
          (ch) => s.refunds.list({ charge: ch.id, limit: 100 }),
        ),
    ],
    [
      "dispute",
      () =>
        perCharge(
          (ch) => ch.disputed,
          (ch) => s.disputes.list({ charge: ch.id, limit: 100 }),
        ),
    ],
    ["checkout_session", () => asObjects(s.checkout.sessions.list(c))],
  ];
  const tally = new Tally();
  for (const [kind, list] of sources) {
    const counts = tally.of(kind);
    try {
      const objects: StripeObject[] = [];
      for await (const o of list()) objects.push(o);
      if (kind === "charge") charges.push(...(objects as unknown as Stripe.Charge[]));
      await applyFetched(ctx, kind, objects, tally);
    } catch (err) {
      counts.error = err instanceof Error ? err.message : String(err);
    }
  }
  return tally.summary;
}

/** The diff summary as a small table, for the CLI. */
export function formatSyncSummary(summary: SyncSummary): string {
  const header = ["type", "created", "updated", "unchanged", "tombstoned"];
  const rows = Object.entries(summary).map(([kind, c]) => [
    kind,
    String(c.created),
    String(c.updated),
    String(c.unchanged),
    String(c.tombstoned),
    ...(c.error ? [`error: ${c.error}`] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const totals = Object.values(summary).reduce(
    (t, c) => ({
      created: t.created + c.created,
      updated: t.updated + c.updated,
      unchanged: t.unchanged + c.unchanged,
      tombstoned: t.tombstoned + c.tombstoned,
    }),
    empty(),
  );
  return [
    line(header),
    ...rows.map(line),
    line([
      "total",
      String(totals.created),
      String(totals.updated),
      String(totals.unchanged),
      String(totals.tombstoned),
    ]),
  ].join("\n");
}
