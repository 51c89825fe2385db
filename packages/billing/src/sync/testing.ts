// Test support for the sync engine: record events from the emulator and check that the store
// converged to what Stripe holds now. (Delivering them signed into an inbox: webhooks/testing.ts.)
import type { Db } from "@folio/db";
import { and, eq, isNull } from "drizzle-orm";
import Stripe from "stripe";
import { canonical } from "./decide.ts";
import {
  CHILD_TABLES,
  KINDS,
  TABLES,
  invoiceLineColumns,
  subscriptionItemColumns,
  type MirrorKind,
  type StripeObject,
} from "./kinds.ts";

/** Every event the account has, oldest first (Stripe lists newest first). */
export async function recordEvents(stripe: Stripe): Promise<Stripe.Event[]> {
  const all: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) all.push(e);
  return all.reverse();
}

/** Deterministic PRNG (mulberry32) so a failing seed can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

type Row = Record<string, unknown> & { id: string; deletedAt: Date | null; raw: StripeObject };

function pick(row: Record<string, unknown>, keys: readonly string[]) {
  return Object.fromEntries(keys.map((k) => [k, row[k]]));
}

/**
 * Compares every mirror row with the object Stripe returns now: typed columns equal, tombstones
 * only for objects Stripe no longer has, child rows (items, lines) equal the object's lists.
 * Returns human-readable mismatches (empty = converged).
 */
export async function convergenceProblems(
  db: Db,
  stripe: Stripe,
  {
    kinds = Object.keys(TABLES) as MirrorKind[],
    cache,
  }: {
    kinds?: readonly MirrorKind[];
    /** Reuse retrieved objects across checks while Stripe's state does not change. */
    cache?: Map<string, StripeObject | null>;
  } = {},
): Promise<string[]> {
  const problems: string[] = [];
  for (const kind of kinds) {
    const t = TABLES[kind] as unknown as typeof TABLES.customer;
    const rows = (await db.select().from(t)) as unknown as Row[];
    for (const row of rows) {
      const key = `${kind}:${row.id}`;
      let fetched = cache?.get(key);
      if (fetched === undefined) {
        fetched = await KINDS[kind].retrieve(stripe, row.id, row.raw);
        cache?.set(key, fetched);
      }
      if (row.deletedAt) {
        if (fetched) problems.push(`${kind} ${row.id}: tombstoned here but exists in Stripe`);
        continue;
      }
      if (!fetched) {
        problems.push(`${kind} ${row.id}: live here but gone from Stripe`);
        continue;
      }
      const want = KINDS[kind].columns(fetched);
      const have = pick(row, Object.keys(want));
      if (canonical(have) !== canonical(want)) {
        problems.push(
          `${kind} ${row.id}: columns differ\n  store:  ${JSON.stringify(have)}\n  stripe: ${JSON.stringify(want)}`,
        );
      }
      if (kind === "subscription") {
        const s = fetched as unknown as Stripe.Subscription;
        problems.push(
          ...(await childProblems(
            db,
            "subscription_item",
            s.id,
            s.items.data.map((i) => ({ id: i.id, cols: subscriptionItemColumns(i, s.id) })),
          )),
        );
      }
      if (kind === "invoice") {
        const inv = fetched as unknown as Stripe.Invoice;
        problems.push(
          ...(await childProblems(
            db,
            "invoice_line_item",
            inv.id,
            inv.lines.data.map((l) => ({ id: l.id, cols: invoiceLineColumns(l, inv.id) })),
          )),
        );
      }
    }
  }
  return problems;
}

async function childProblems(
  db: Db,
  kind: keyof typeof CHILD_TABLES,
  parentId: string,
  want: Array<{ id: string; cols: Record<string, unknown> }>,
): Promise<string[]> {
  const t = CHILD_TABLES[kind] as unknown as typeof CHILD_TABLES.subscription_item;
  const parentCol =
    kind === "subscription_item"
      ? CHILD_TABLES.subscription_item.subscriptionId
      : CHILD_TABLES.invoice_line_item.invoiceId;
  const rows = (await db
    .select()
    .from(t)
    .where(and(eq(parentCol, parentId), isNull(t.deletedAt)))) as unknown as Row[];
  const problems: string[] = [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const w of want) {
    const row = byId.get(w.id);
    if (!row) {
      problems.push(`${kind} ${w.id} of ${parentId}: missing here`);
      continue;
    }
    const have = pick(row, Object.keys(w.cols));
    if (canonical(have) !== canonical(w.cols))
      problems.push(
        `${kind} ${w.id}: columns differ ${JSON.stringify(have)} vs ${JSON.stringify(w.cols)}`,
      );
    byId.delete(w.id);
  }
  for (const id of byId.keys())
    problems.push(`${kind} ${id} of ${parentId}: live here, not in Stripe`);
  return problems;
}

/**
 * An SDK client for an account whose state no longer changes (a recorded lifecycle): identical
 * GETs are answered from memory after the first time. The engine still makes every call it
 * would make; only the emulator's repeated work is saved, which keeps 100-seed replays fast.
 */
export function frozenAccountClient(make: (config: Stripe.StripeConfig) => Stripe): {
  stripe: Stripe;
  requests: () => number;
} {
  const cache = new Map<string, { status: number; headers: [string, string][]; body: string }>();
  let requests = 0;
  const cachedFetch: typeof fetch = async (input, init) => {
    requests++;
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? "GET").toUpperCase();
    const hit = method === "GET" ? cache.get(url) : undefined;
    if (hit) return new Response(hit.body, { status: hit.status, headers: hit.headers });
    const res = await fetch(input, init);
    const body = await res.text();
    const entry = { status: res.status, headers: [...res.headers.entries()], body };
    if (method === "GET" && res.status < 500) cache.set(url, entry);
    return new Response(body, { status: entry.status, headers: entry.headers });
  };
  const stripe = make({ httpClient: Stripe.createFetchHttpClient(cachedFetch) });
  return { stripe, requests: () => requests };
}
