import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { formatCatalogReport, pushCatalog } from "./push.ts";
import { demoCatalog, parseCatalog, type Catalog, type CatalogInput } from "./schema.ts";

let emulator: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "catalog" } });
  stripe = emulator.stripe();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(async () => {
  await emulator.reset();
});

const small = (over: (c: CatalogInput) => void = () => undefined): Catalog => {
  const input: CatalogInput = {
    version: 1,
    name: "test",
    currency: "usd",
    products: [
      {
        key: "pro",
        name: "Pro",
        kind: "plan",
        planTier: "pro",
        prices: [
          {
            lookupKey: "pro_monthly",
            unitAmount: 1400,
            recurring: { interval: "month", trialDays: 14 },
          },
          { lookupKey: "pro_annual", unitAmount: 14000, recurring: { interval: "year" } },
        ],
      },
      {
        key: "notebook",
        name: "Notebook",
        kind: "physical",
        prices: [{ lookupKey: "notebook", unitAmount: 2400 }],
      },
    ],
  };
  over(input);
  return parseCatalog(input);
};

async function byLookupKey(key: string): Promise<Stripe.Price | undefined> {
  const list = await stripe.prices.list({ lookup_keys: [key], expand: ["data.product"] });
  return list.data[0];
}

describe("pushCatalog against the emulator", () => {
  it("creates the demo catalog, then changes nothing on a second push", async () => {
    const catalog = demoCatalog();
    const priceCount = catalog.products.reduce((a, p) => a + p.prices.length, 0);

    const first = await pushCatalog({ stripe }, catalog);
    expect(first.summary).toEqual({
      created: catalog.products.length + priceCount,
      updated: 0,
      archived: 0,
      unchanged: 0,
    });

    const mark = emulator.core.requestLog.at(-1)?.id;
    const second = await pushCatalog({ stripe }, catalog);
    // Not even a no-op write: the second push only reads.
    const log = emulator.core.requestLog;
    const during = log.slice(log.findIndex((r) => r.id === mark) + 1);
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((r) => r.method !== "GET")).toEqual([]);
    expect(second.summary).toEqual({
      created: 0,
      updated: 0,
      archived: 0,
      unchanged: catalog.products.length + priceCount,
    });

    const products = await stripe.products.list({ limit: 100 });
    expect(products.data).toHaveLength(catalog.products.length);
    const pro = await byLookupKey("quire_pro_monthly");
    expect(pro).toMatchObject({
      unit_amount: 1400,
      currency: "usd",
      recurring: { interval: "month", interval_count: 1, trial_period_days: 14 },
      metadata: { folio_managed: "true", folio_product_key: "quire_pro", folio_trial_days: "14" },
    });
    const proProduct = pro?.product as Stripe.Product;
    expect(proProduct.default_price).toBe(pro?.id);
    expect(proProduct.metadata).toMatchObject({
      folio_key: "quire_pro",
      folio_kind: "plan",
      folio_plan_tier: "pro",
      folio_requires_shipping: "false",
    });
    expect(proProduct.marketing_features.map((f) => f.name)).toContain("Version history");
    const seat = (await byLookupKey("quire_seat_monthly_eur"))?.product as Stripe.Product;
    expect(seat.metadata).toMatchObject({ folio_addon_unit: "seat", folio_addon_tiers: "pro" });
    const notebook = (await byLookupKey("notebook_a5_dot"))?.product as Stripe.Product;
    expect(notebook.metadata).toMatchObject({ folio_requires_shipping: "true" });
    const credits = (await byLookupKey("ai_credits_500"))?.product as Stripe.Product;
    expect(credits.metadata).toMatchObject({ folio_credits: "500", folio_kind: "credits" });
    expect(formatCatalogReport(second)).toContain("0 created, 0 updated, 0 archived");
  });

  it("moves the lookup key to a new price when the amount changes and archives the old one", async () => {
    await pushCatalog({ stripe }, small());
    const before = await byLookupKey("pro_monthly");

    const raised = small((c) => {
      c.products[0]!.prices[0]!.unitAmount = 1600;
    });
    const dry = await pushCatalog({ stripe }, raised, { dryRun: true });
    expect(dry.changes.filter((c) => c.action !== "unchanged")).toEqual([
      {
        object: "product",
        action: "updated",
        key: "pro",
        id: (before?.product as Stripe.Product).id,
        changes: ["default_price"],
      },
      {
        object: "price",
        action: "created",
        key: "pro_monthly",
        id: null,
        changes: [`unit_amount (replaces ${before?.id})`],
      },
      {
        object: "price",
        action: "archived",
        key: "pro_monthly",
        id: before?.id,
        changes: ["replaced by a new price"],
      },
    ]);
    expect((await byLookupKey("pro_monthly"))?.id).toBe(before?.id); // the dry run wrote nothing

    const report = await pushCatalog({ stripe }, raised);
    // The new price is created, becomes the product's default, and the old one is archived.
    expect(report.summary).toMatchObject({ created: 1, archived: 1, updated: 1 });
    expect(
      (await stripe.products.retrieve((before?.product as Stripe.Product).id)).default_price,
    ).toBe((await byLookupKey("pro_monthly"))?.id);
    const after = await byLookupKey("pro_monthly");
    expect(after?.id).not.toBe(before?.id);
    expect(after).toMatchObject({ unit_amount: 1600, active: true });
    const old = await stripe.prices.retrieve(before!.id);
    expect(old).toMatchObject({ active: false, lookup_key: null, unit_amount: 1400 });

    // Converged: pushing the same catalog again changes nothing.
    expect((await pushCatalog({ stripe }, raised)).summary).toMatchObject({
      created: 0,
      updated: 0,
      archived: 0,
    });

    // Going back to the old amount makes a fresh price (prices are immutable; no replay).
    await pushCatalog({ stripe }, small());
    const back = await byLookupKey("pro_monthly");
    expect(back?.id).not.toBe(before?.id);
    expect(back?.id).not.toBe(after?.id);
    expect(back).toMatchObject({ unit_amount: 1400, active: true });
  });

  it("updates mutable fields in place and archives what left the catalog", async () => {
    await pushCatalog({ stripe }, small());
    const notebookPrice = await byLookupKey("notebook");
    const next = small((c) => {
      c.products[0]!.name = "Quire Pro";
      c.products[0]!.prices[1]!.nickname = "Pro yearly";
      c.products.pop();
    });
    const report = await pushCatalog({ stripe }, next);
    const changed = report.changes.filter((c) => c.action !== "unchanged");
    expect(changed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ object: "product", action: "updated", changes: ["name"] }),
        expect.objectContaining({
          object: "price",
          action: "updated",
          key: "pro_annual",
          changes: ["nickname"],
        }),
        expect.objectContaining({ object: "product", action: "archived", key: "notebook" }),
        expect.objectContaining({ object: "price", action: "archived", id: notebookPrice?.id }),
      ]),
    );
    expect(changed).toHaveLength(4);
    const product = notebookPrice?.product as Stripe.Product;
    expect((await stripe.products.retrieve(product.id)).active).toBe(false);
    expect((await pushCatalog({ stripe }, next)).summary).toMatchObject({
      created: 0,
      updated: 0,
      archived: 0,
    });
  });

  it("sets, changes and clears a product's features", async () => {
    const withFeatures = (features?: string[]) =>
      small((c) => {
        if (features) c.products[0]!.features = features;
      });
    await pushCatalog({ stripe }, withFeatures(["Sync", "Search"]));
    const productOf = async () =>
      ((await byLookupKey("pro_monthly"))?.product as Stripe.Product).marketing_features;
    expect(await productOf()).toEqual([{ name: "Sync" }, { name: "Search" }]);

    const changed = await pushCatalog({ stripe }, withFeatures(["Sync", "Search", "Export"]));
    expect(changed.changes).toContainEqual(
      expect.objectContaining({ key: "pro", action: "updated", changes: ["marketing_features"] }),
    );
    expect(await productOf()).toHaveLength(3);

    await pushCatalog({ stripe }, withFeatures());
    expect(await productOf()).toEqual([]);
    expect((await pushCatalog({ stripe }, withFeatures())).summary.updated).toBe(0);
  });
});

describe("catalog schema", () => {
  it("rejects inconsistent catalogs with the path of each problem", () => {
    expect(() =>
      small((c) => {
        c.products[1]!.prices.push({ lookupKey: "pro_monthly", unitAmount: 1 });
        delete c.products[0]!.planTier;
        c.products[1]!.prices[0]!.recurring = { interval: "month" };
      }),
    ).toThrow(
      /products\.0\.planTier: a plan needs planTier[\s\S]*products\.1\.prices: a physical product is sold one-time[\s\S]*products\.1\.prices\.1\.lookupKey: duplicate lookupKey pro_monthly/,
    );
  });

  it("accepts the shipped demo catalog", () => {
    const demo = demoCatalog();
    const kinds = new Set(demo.products.map((p) => p.kind));
    expect([...kinds].sort()).toEqual(["addon", "credits", "digital", "physical", "plan"]);
    // Both currencies the pricing page shows, for every plan and the add-on.
    for (const p of demo.products.filter((p) => p.kind === "plan" || p.kind === "addon")) {
      const currencies = new Set(p.prices.map((price) => price.currency ?? demo.currency));
      expect([p.key, [...currencies].sort()]).toEqual([p.key, ["eur", "usd"]]);
    }
  });

  it("refuses addonTiers that name no plan tier, and on anything but an add-on", () => {
    expect(() =>
      small((c) => {
        c.products[0]!.addonTiers = ["pro"];
        c.products.push({
          key: "seat",
          name: "Seat",
          kind: "addon",
          addonUnit: "seat",
          addonTiers: ["gold"],
          prices: [{ lookupKey: "seat", unitAmount: 1, recurring: { interval: "month" } }],
        });
      }),
    ).toThrow(
      /products\.0\.addonTiers: only add-ons carry addonTiers[\s\S]*products\.2\.addonTiers: addonTiers must name plan tiers/,
    );
  });
});
