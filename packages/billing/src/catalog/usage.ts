import { meters, planAllowances, withTransaction, type Db } from "@folio/db";
import { and, inArray, isNull, notInArray } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { CatalogPushReport } from "./push.ts";
import type { Catalog } from "./schema.ts";

export interface UsageCatalogReport {
  meters: number;
  allowances: number;
  archivedMeters: number;
  removedAllowances: number;
}

/**
 * Stores the catalog's meters and plan allowances in Folio's database, where the usage API reads
 * them, with the Stripe product each plan was pushed as (from `report`, so run it after
 * `pushCatalog`). Meters that left the catalog are archived (past events still point at them);
 * allowances that left it are removed, so the next billing period follows the catalog. The Stripe
 * meter and metered price ids (set by the overage reporter's setup) are left as they are.
 */
export async function syncUsageCatalog(
  { db, clock }: { db: Db; clock: Clock },
  catalog: Catalog,
  report: CatalogPushReport,
): Promise<UsageCatalogReport> {
  const now = clock.now();
  const productIds = new Map(
    report.changes.filter((c) => c.object === "product").map((c) => [c.key, c.id]),
  );
  const allowances = catalog.products.flatMap((p) =>
    (p.allowances ?? []).map((a) => ({
      productKey: p.key,
      stripeProductId: productIds.get(p.key) ?? null,
      meterKey: a.meter,
      included: a.included === "unlimited" ? null : a.included,
      overage: a.overage,
      updatedAt: now,
    })),
  );
  return withTransaction(db, async (tx) => {
    for (const m of catalog.meters) {
      await tx
        .insert(meters)
        .values({ ...m, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: meters.key,
          set: {
            name: m.name,
            unitLabel: m.unitLabel,
            aggregation: m.aggregation,
            archivedAt: null,
            updatedAt: now,
          },
        });
    }
    const keys = catalog.meters.map((m) => m.key);
    const archivedMeters = (
      await tx
        .update(meters)
        .set({ archivedAt: now, updatedAt: now })
        .where(
          and(isNull(meters.archivedAt), keys.length ? notInArray(meters.key, keys) : undefined),
        )
        .returning({ key: meters.key })
    ).length;

    for (const a of allowances) {
      await tx
        .insert(planAllowances)
        .values(a)
        .onConflictDoUpdate({
          target: [planAllowances.productKey, planAllowances.meterKey],
          set: {
            stripeProductId: a.stripeProductId,
            included: a.included,
            overage: a.overage,
            updatedAt: now,
          },
        });
    }
    const wanted = new Set(allowances.map((a) => `${a.productKey} ${a.meterKey}`));
    const stale = (
      await tx
        .select({ id: planAllowances.id, p: planAllowances.productKey, m: planAllowances.meterKey })
        .from(planAllowances)
    ).filter((a) => !wanted.has(`${a.p} ${a.m}`));
    if (stale.length > 0) {
      await tx.delete(planAllowances).where(
        inArray(
          planAllowances.id,
          stale.map((a) => a.id),
        ),
      );
    }
    return {
      meters: catalog.meters.length,
      allowances: allowances.length,
      archivedMeters,
      removedAllowances: stale.length,
    };
  });
}

/** One line for the CLI and logs. */
export function formatUsageCatalogReport(r: UsageCatalogReport): string {
  return `usage catalog stored: ${r.meters} meters (${r.archivedMeters} archived), ${r.allowances} plan allowances (${r.removedAllowances} removed)`;
}
