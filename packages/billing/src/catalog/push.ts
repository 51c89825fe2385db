import { createHash } from "node:crypto";
import type Stripe from "stripe";
import { DomainError } from "../errors.ts";
import type { Catalog, CatalogPrice, CatalogProduct } from "./schema.ts";

/** Marks Stripe objects the catalog owns; unmarked objects are never archived or changed. */
export const MANAGED = "folio_managed";

export type CatalogAction = "created" | "updated" | "archived" | "unchanged";

export interface CatalogChange {
  object: "product" | "price";
  action: CatalogAction;
  /** Product key or price lookup key (for archived prices: their old lookup key, if any). */
  key: string;
  /** Stripe id; null for objects a dry run would create. */
  id: string | null;
  /** The fields that differ, or why an object is archived. */
  changes: string[];
}

export interface CatalogPushReport {
  dryRun: boolean;
  changes: CatalogChange[];
  summary: Record<CatalogAction, number>;
}

export interface PushCatalogOptions {
  dryRun?: boolean;
}

type Metadata = Record<string, string>;

export function productMetadata(p: CatalogProduct): Metadata {
  const m: Metadata = {
    ...p.metadata,
    [MANAGED]: "true",
    folio_key: p.key,
    folio_kind: p.kind,
    folio_requires_shipping: String(p.kind === "physical"),
  };
  if (p.planTier !== undefined) m.folio_plan_tier = p.planTier;
  if (p.addonUnit !== undefined) m.folio_addon_unit = p.addonUnit;
  if (p.addonTiers !== undefined) m.folio_addon_tiers = p.addonTiers.join(",");
  if (p.credits !== undefined) m.folio_credits = String(p.credits);
  if (p.deliverable !== undefined) m.folio_deliverable = p.deliverable;
  return m;
}

export function priceMetadata(p: CatalogProduct, price: CatalogPrice): Metadata {
  const m: Metadata = { ...price.metadata, [MANAGED]: "true", folio_product_key: p.key };
  if (price.recurring?.trialDays !== undefined) {
    m.folio_trial_days = String(price.recurring.trialDays);
  }
  return m;
}

/** Metadata update that sets `want` and clears folio_* keys (only those) that are no longer wanted. */
function metadataPatch(have: Metadata, want: Metadata): Metadata | null {
  const patch: Metadata = {};
  for (const [k, v] of Object.entries(want)) if (have[k] !== v) patch[k] = v;
  for (const k of Object.keys(have)) {
    if (k.startsWith("folio_") && !(k in want)) patch[k] = "";
  }
  return Object.keys(patch).length > 0 ? patch : null;
}

/** Immutable identity of a price: if any of this differs, Stripe needs a new price. */
function priceTerms(productId: string, currency: string, price: CatalogPrice) {
  return {
    product: productId,
    currency,
    unit_amount: price.unitAmount,
    tax_behavior: price.taxBehavior,
    recurring: price.recurring
      ? {
          interval: price.recurring.interval,
          interval_count: price.recurring.intervalCount,
          trial_period_days: price.recurring.trialDays ?? null,
        }
      : null,
  };
}

function existingTerms(price: Stripe.Price) {
  return {
    product: typeof price.product === "string" ? price.product : price.product.id,
    currency: price.currency,
    unit_amount: price.unit_amount,
    tax_behavior: price.tax_behavior ?? "unspecified",
    recurring: price.recurring
      ? {
          interval: price.recurring.interval,
          interval_count: price.recurring.interval_count,
          trial_period_days: price.recurring.trial_period_days ?? null,
        }
      : null,
  };
}

function diffTerms(
  have: ReturnType<typeof existingTerms>,
  want: ReturnType<typeof priceTerms>,
): string[] {
  const out: string[] = [];
  if (have.product !== want.product) out.push("product");
  if (have.currency !== want.currency) out.push("currency");
  if (have.unit_amount !== want.unit_amount) out.push("unit_amount");
  if (have.tax_behavior !== want.tax_behavior) out.push("tax_behavior");
  if (JSON.stringify(have.recurring) !== JSON.stringify(want.recurring)) out.push("recurring");
  return out;
}

const hash = (value: unknown) =>
  createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);

function upstream(what: string, e: unknown): DomainError {
  return new DomainError("UPSTREAM", `Stripe refused to ${what}: ${(e as Error).message}`);
}

/**
 * Makes the Stripe account's products and prices match `catalog`.
 *
 * Products are matched by `metadata.folio_key`, prices by `lookup_key`. Prices are immutable: a
 * changed amount, currency, interval or trial creates a new price that takes over the lookup key
 * (`transfer_lookup_key`), and the old one is archived. Managed objects that left the catalog are
 * archived, never deleted, so existing subscriptions and orders keep resolving. Running it twice
 * changes nothing the second time. Creates carry idempotency keys derived from what they create and
 * what they replace, so a retried push after a crash cannot create duplicates.
 */
export async function pushCatalog(
  { stripe }: { stripe: Stripe },
  catalog: Catalog,
  options: PushCatalogOptions = {},
): Promise<CatalogPushReport> {
  const dryRun = options.dryRun ?? false;
  const changes: CatalogChange[] = [];
  const record = (c: CatalogChange) => changes.push(c);

  let products: Stripe.Product[];
  let prices: Stripe.Price[];
  try {
    products = [];
    for await (const p of stripe.products.list({ limit: 100 })) products.push(p);
    prices = [];
    for await (const p of stripe.prices.list({ limit: 100 })) prices.push(p);
  } catch (e) {
    throw upstream("list products and prices", e);
  }

  const productByKey = new Map<string, Stripe.Product>();
  for (const p of products) {
    const k = p.metadata?.folio_key;
    if (p.metadata?.[MANAGED] === "true" && k !== undefined) {
      // Prefer an active product if an earlier archived one carried the same key.
      const seen = productByKey.get(k);
      if (!seen || (!seen.active && p.active)) productByKey.set(k, p);
    }
  }
  const priceByLookupKey = new Map<string, Stripe.Price>();
  for (const p of prices) if (p.lookup_key) priceByLookupKey.set(p.lookup_key, p);

  /** Price ids the catalog wants active after the push. */
  const wanted = new Set<string>();
  const productIds = new Map<string, string | null>();

  for (const product of catalog.products) {
    const have = productByKey.get(product.key);
    const metadata = productMetadata(product);
    if (!have) {
      let id: string | null = null;
      if (!dryRun) {
        try {
          const created = await stripe.products.create(
            {
              name: product.name,
              ...(product.description !== undefined && { description: product.description }),
              ...(product.unitLabel !== undefined && { unit_label: product.unitLabel }),
              ...(product.taxCode !== undefined && { tax_code: product.taxCode }),
              ...(product.features !== undefined && {
                marketing_features: product.features.map((name) => ({ name })),
              }),
              active: product.active,
              metadata,
            },
            { idempotencyKey: `folio-catalog-product-${product.key}-${hash(product)}` },
          );
          id = created.id;
        } catch (e) {
          throw upstream(`create product ${product.key}`, e);
        }
      }
      productIds.set(product.key, id);
      record({ object: "product", action: "created", key: product.key, id, changes: [] });
      continue;
    }
    productIds.set(product.key, have.id);
    const update: Stripe.ProductUpdateParams = {};
    const fields: string[] = [];
    if (have.name !== product.name) {
      update.name = product.name;
      fields.push("name");
    }
    if ((have.description ?? "") !== (product.description ?? "")) {
      update.description = product.description ?? "";
      fields.push("description");
    }
    if ((have.unit_label ?? "") !== (product.unitLabel ?? "")) {
      update.unit_label = product.unitLabel ?? "";
      fields.push("unit_label");
    }
    if (have.active !== product.active) {
      update.active = product.active;
      fields.push("active");
    }
    const haveTaxCode =
      typeof have.tax_code === "string" ? have.tax_code : (have.tax_code?.id ?? null);
    if (product.taxCode !== undefined && haveTaxCode !== product.taxCode) {
      update.tax_code = product.taxCode;
      fields.push("tax_code");
    }
    const features = product.features ?? [];
    const haveFeatures = (have.marketing_features ?? []).map((f) => f.name ?? "");
    if (JSON.stringify(haveFeatures) !== JSON.stringify(features)) {
      update.marketing_features = features.length > 0 ? features.map((name) => ({ name })) : "";
      fields.push("marketing_features");
    }
    const patch = metadataPatch(have.metadata ?? {}, metadata);
    if (patch) {
      update.metadata = patch;
      fields.push(...Object.keys(patch).map((k) => `metadata.${k}`));
    }
    if (fields.length > 0 && !dryRun) {
      try {
        await stripe.products.update(have.id, update);
      } catch (e) {
        throw upstream(`update product ${product.key}`, e);
      }
    }
    record({
      object: "product",
      action: fields.length > 0 ? "updated" : "unchanged",
      key: product.key,
      id: have.id,
      changes: fields,
    });
  }

  for (const product of catalog.products) {
    const productId = productIds.get(product.key) ?? null;
    /** The catalog's first price; "(new price)" when a dry run would create it. */
    let defaultPrice: string | undefined;
    for (const price of product.prices) {
      const currency = price.currency ?? catalog.currency;
      const metadata = priceMetadata(product, price);
      const have = priceByLookupKey.get(price.lookupKey);
      // A product a dry run would create has no id yet; every one of its prices is new.
      const terms = priceTerms(productId ?? "(new product)", currency, price);
      const termChanges = have ? diffTerms(existingTerms(have), terms) : [];

      if (!have || termChanges.length > 0) {
        let id: string | null = null;
        if (!dryRun && productId !== null) {
          try {
            const created = await stripe.prices.create(
              {
                product: productId,
                currency,
                unit_amount: price.unitAmount,
                tax_behavior: price.taxBehavior,
                ...(price.recurring && {
                  recurring: {
                    interval: price.recurring.interval,
                    interval_count: price.recurring.intervalCount,
                    ...(price.recurring.trialDays !== undefined && {
                      trial_period_days: price.recurring.trialDays,
                    }),
                  },
                }),
                ...(price.nickname !== undefined && { nickname: price.nickname }),
                lookup_key: price.lookupKey,
                transfer_lookup_key: have !== undefined,
                metadata,
              },
              {
                // Includes the price being replaced: going back to an earlier amount later must
                // create a fresh price, not replay the first creation.
                idempotencyKey: `folio-catalog-price-${price.lookupKey}-${hash([terms, have?.id ?? null])}`,
              },
            );
            id = created.id;
          } catch (e) {
            throw upstream(`create price ${price.lookupKey}`, e);
          }
        }
        if (id !== null) wanted.add(id);
        defaultPrice ??= id ?? "(new price)";
        record({
          object: "price",
          action: "created",
          key: price.lookupKey,
          id,
          changes: have ? termChanges.map((f) => `${f} (replaces ${have.id})`) : [],
        });
        continue;
      }

      wanted.add(have.id);
      defaultPrice ??= have.id;
      const update: Stripe.PriceUpdateParams = {};
      const fields: string[] = [];
      if ((have.nickname ?? "") !== (price.nickname ?? "")) {
        update.nickname = price.nickname ?? "";
        fields.push("nickname");
      }
      if (!have.active) {
        update.active = true;
        fields.push("active");
      }
      const patch = metadataPatch(have.metadata ?? {}, metadata);
      if (patch) {
        update.metadata = patch;
        fields.push(...Object.keys(patch).map((k) => `metadata.${k}`));
      }
      if (fields.length > 0 && !dryRun) {
        try {
          await stripe.prices.update(have.id, update);
        } catch (e) {
          throw upstream(`update price ${price.lookupKey}`, e);
        }
      }
      record({
        object: "price",
        action: fields.length > 0 ? "updated" : "unchanged",
        key: price.lookupKey,
        id: have.id,
        changes: fields,
      });
    }

    // The catalog's first price is the product's default (what dashboards and payment links
    // show). Stripe also refuses to archive a default price, so this runs before archiving.
    const have = productByKey.get(product.key);
    const current =
      typeof have?.default_price === "string" ? have.default_price : have?.default_price?.id;
    if (productId !== null && defaultPrice !== undefined && current !== defaultPrice) {
      if (!dryRun) {
        try {
          await stripe.products.update(productId, { default_price: defaultPrice });
        } catch (e) {
          throw upstream(`set the default price of ${product.key}`, e);
        }
      }
      // Part of creating a new product; a change worth reporting on an existing one.
      const entry = changes.find((c) => c.object === "product" && c.key === product.key);
      if (have && entry) {
        entry.action = "updated";
        entry.changes.push("default_price");
      }
    }
  }

  const catalogKeys = new Set(catalog.products.map((p) => p.key));
  for (const [key, product] of productByKey) {
    if (catalogKeys.has(key)) continue;
    if (!product.active) continue;
    if (!dryRun) {
      try {
        await stripe.products.update(product.id, { active: false });
      } catch (e) {
        throw upstream(`archive product ${key}`, e);
      }
    }
    record({
      object: "product",
      action: "archived",
      key,
      id: product.id,
      changes: ["no longer in the catalog"],
    });
  }

  const managedProductIds = new Set([...productByKey.values()].map((p) => p.id));
  for (const price of prices) {
    const productId = typeof price.product === "string" ? price.product : price.product.id;
    if (!price.active || wanted.has(price.id)) continue;
    if (price.metadata?.[MANAGED] !== "true" || !managedProductIds.has(productId)) continue;
    const replaced =
      price.lookup_key !== null &&
      changes.some((c) => c.object === "price" && c.key === price.lookup_key);
    if (!dryRun) {
      try {
        await stripe.prices.update(price.id, { active: false });
      } catch (e) {
        throw upstream(`archive price ${price.id}`, e);
      }
    }
    record({
      object: "price",
      action: "archived",
      key: price.lookup_key ?? price.metadata?.folio_product_key ?? price.id,
      id: price.id,
      changes: [replaced ? "replaced by a new price" : "no longer in the catalog"],
    });
  }

  const summary: Record<CatalogAction, number> = {
    created: 0,
    updated: 0,
    archived: 0,
    unchanged: 0,
  };
  for (const c of changes) summary[c.action] += 1;
  return { dryRun, changes, summary };
}

/** One line per change plus a summary, for the CLI and logs. */
export function formatCatalogReport(report: CatalogPushReport): string {
  const lines = report.changes
    .filter((c) => c.action !== "unchanged")
    .map(
      (c) =>
        `${c.action.padEnd(9)} ${c.object.padEnd(7)} ${c.key}${c.id ? ` (${c.id})` : ""}${
          c.changes.length > 0 ? `: ${c.changes.join(", ")}` : ""
        }`,
    );
  const s = report.summary;
  lines.push(
    `${report.dryRun ? "dry run — would change" : "catalog pushed"}: ${s.created} created, ${s.updated} updated, ${s.archived} archived, ${s.unchanged} unchanged`,
  );
  return lines.join("\n");
}
