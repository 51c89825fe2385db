import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/**
 * The catalog file format. `version` is the format version: a file written for another format is
 * rejected instead of being half-understood. Amounts are integer minor units of `currency`.
 */
export const CATALOG_FORMAT_VERSION = 1;

const key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_]*$/, "use lowercase letters, digits and underscores")
  .max(100);
const currency = z
  .string()
  .regex(/^[a-z]{3}$/, "use a lowercase ISO 4217 code such as usd")
  .optional();
const metadata = z
  .record(z.string().max(40), z.string().max(500))
  .refine((m) => Object.keys(m).every((k) => !k.startsWith("folio_")), {
    message: "metadata keys starting with folio_ are reserved for the catalog itself",
  })
  .optional();

export const catalogPriceSchema = z.strictObject({
  lookupKey: key,
  nickname: z.string().max(100).optional(),
  unitAmount: z.number().int().nonnegative(),
  /** Defaults to the catalog's currency. */
  currency,
  recurring: z
    .strictObject({
      interval: z.enum(["day", "week", "month", "year"]),
      intervalCount: z.number().int().min(1).max(36).default(1),
      trialDays: z.number().int().min(1).max(730).optional(),
    })
    .optional(),
  taxBehavior: z.enum(["exclusive", "inclusive", "unspecified"]).default("unspecified"),
  metadata,
});

/** A usage meter (issue 13): what the usage API counts. */
export const catalogMeterSchema = z.strictObject({
  key,
  name: z.string().min(1).max(100),
  /** Singular unit shown beside quantities, e.g. `call`. */
  unitLabel: z.string().min(1).max(20),
  /** `sum` adds each event's quantity; `count` counts events. */
  aggregation: z.enum(["sum", "count"]),
});

/** What a plan includes of one meter per billing period, and what happens past it. */
export const catalogAllowanceSchema = z.strictObject({
  meter: key,
  included: z.union([z.number().int().nonnegative(), z.literal("unlimited")]),
  /** Past the included quantity: refuse (`blocked`), draw wallet credits, or bill through Stripe. */
  overage: z.enum(["blocked", "credits", "metered"]),
  /** Metered overage: price per unit in minor units, as a decimal string ("0.1" = $0.001). */
  overageUnitAmount: z
    .string()
    .regex(/^\d+(\.\d{1,12})?$/, "use minor units as a decimal string, e.g. 0.1")
    .optional(),
});

export const PRODUCT_KINDS = ["plan", "addon", "physical", "digital", "credits"] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];

export const catalogProductSchema = z.strictObject({
  /** Stable identity of the product across pushes, stored as `metadata.folio_key`. */
  key,
  name: z.string().min(1).max(250),
  description: z.string().max(1000).optional(),
  kind: z.enum(PRODUCT_KINDS),
  /**
   * Stripe Tax's product tax code (`txcd_10103000` SaaS for personal use, `txcd_99999999` goods…):
   * what automatic tax treats the product as. Absent: the account's default code.
   */
  taxCode: z
    .string()
    .regex(/^txcd_\d{8}$/, "use a Stripe tax code such as txcd_10103000")
    .optional(),
  /** Plans: the tier a subscription grants (`folio_plan_tier`). */
  planTier: key.optional(),
  /** Add-ons: what one unit of quantity grants, e.g. `seat` (`folio_addon_unit`). */
  addonUnit: key.optional(),
  /** Add-ons: the plan tiers it can be added to (`folio_addon_tiers`, comma-separated); all when absent. */
  addonTiers: z.array(key).min(1).optional(),
  /** Credit packs: credits granted per unit purchased (`folio_credits`). */
  credits: z.number().int().positive().optional(),
  /** Digital products: the asset a purchase unlocks (`folio_deliverable`). */
  deliverable: key.optional(),
  unitLabel: z.string().max(12).optional(),
  /** Plans: the usage each billing period includes, per meter. */
  allowances: z.array(catalogAllowanceSchema).max(20).optional(),
  /** What the product includes, one short line each (Stripe's `marketing_features`). */
  features: z.array(z.string().min(1).max(80)).max(15).optional(),
  active: z.boolean().default(true),
  metadata,
  prices: z.array(catalogPriceSchema).min(1),
});

export const catalogSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(CATALOG_FORMAT_VERSION),
    name: z.string().min(1),
    currency: z.string().regex(/^[a-z]{3}$/),
    meters: z.array(catalogMeterSchema).max(50).default([]),
    products: z.array(catalogProductSchema).min(1),
  })
  .superRefine((catalog, ctx) => {
    const productKeys = new Set<string>();
    const lookupKeys = new Set<string>();
    const tiers = new Set(catalog.products.flatMap((p) => (p.planTier ? [p.planTier] : [])));
    const meterKeys = new Set<string>();
    catalog.meters.forEach((m, i) => {
      if (meterKeys.has(m.key)) {
        ctx.addIssue({
          code: "custom",
          path: ["meters", i, "key"],
          message: `duplicate meter ${m.key}`,
        });
      }
      meterKeys.add(m.key);
    });
    catalog.products.forEach((p, i) => {
      const at = (...path: (string | number)[]) => ["products", i, ...path];
      if (productKeys.has(p.key)) {
        ctx.addIssue({
          code: "custom",
          path: at("key"),
          message: `duplicate product key ${p.key}`,
        });
      }
      productKeys.add(p.key);
      const recurring = p.prices.map((price) => price.recurring !== undefined);
      const needs = (ok: boolean, path: string, message: string) => {
        if (!ok) ctx.addIssue({ code: "custom", path: at(path), message });
      };
      if (p.kind !== "addon") {
        needs(p.addonTiers === undefined, "addonTiers", "only add-ons carry addonTiers");
      }
      if (p.kind !== "plan") {
        needs(p.allowances === undefined, "allowances", "only plans carry allowances");
      }
      const allowed = new Set<string>();
      p.allowances?.forEach((a, j) => {
        const problem = !meterKeys.has(a.meter)
          ? `meter ${a.meter} is not in the catalog's meters`
          : allowed.has(a.meter)
            ? `meter ${a.meter} has two allowances`
            : null;
        if (a.overage === "metered" && a.overageUnitAmount === undefined) {
          ctx.addIssue({
            code: "custom",
            path: at("allowances", j, "overageUnitAmount"),
            message: "metered overage needs overageUnitAmount",
          });
        }
        if (a.overage !== "metered" && a.overageUnitAmount !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: at("allowances", j, "overageUnitAmount"),
            message: "only metered overage carries overageUnitAmount",
          });
        }
        if (problem)
          ctx.addIssue({ code: "custom", path: at("allowances", j, "meter"), message: problem });
        allowed.add(a.meter);
      });
      switch (p.kind) {
        case "plan":
          needs(p.planTier !== undefined, "planTier", "a plan needs planTier");
          needs(recurring.every(Boolean), "prices", "a plan's prices must all be recurring");
          break;
        case "addon":
          needs(p.addonUnit !== undefined, "addonUnit", "an add-on needs addonUnit");
          needs(
            p.addonTiers === undefined || p.addonTiers.every((t) => tiers.has(t)),
            "addonTiers",
            "addonTiers must name plan tiers of this catalog",
          );
          needs(recurring.every(Boolean), "prices", "an add-on's prices must all be recurring");
          break;
        case "credits":
          needs(p.credits !== undefined, "credits", "a credit pack needs credits");
          needs(!recurring.some(Boolean), "prices", "a credit pack is sold one-time");
          break;
        case "physical":
        case "digital":
          needs(!recurring.some(Boolean), "prices", `a ${p.kind} product is sold one-time`);
          break;
      }
      p.prices.forEach((price, j) => {
        if (lookupKeys.has(price.lookupKey)) {
          ctx.addIssue({
            code: "custom",
            path: at("prices", j, "lookupKey"),
            message: `duplicate lookupKey ${price.lookupKey}`,
          });
        }
        lookupKeys.add(price.lookupKey);
        if (price.recurring?.trialDays !== undefined && p.kind !== "plan") {
          ctx.addIssue({
            code: "custom",
            path: at("prices", j, "recurring", "trialDays"),
            message: "only plans carry a trial",
          });
        }
      });
    });
  });

export type Catalog = z.output<typeof catalogSchema>;
export type CatalogInput = z.input<typeof catalogSchema>;
export type CatalogProduct = Catalog["products"][number];
export type CatalogPrice = CatalogProduct["prices"][number];
export type CatalogMeter = Catalog["meters"][number];
export type CatalogAllowance = NonNullable<CatalogProduct["allowances"]>[number];

export class CatalogFileError extends Error {
  override readonly name = "CatalogFileError";
}

/** Parses catalog data, naming every invalid field in one error. */
export function parseCatalog(data: unknown, source = "catalog"): Catalog {
  const result = catalogSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((issue) => `  - ${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("\n");
  throw new CatalogFileError(`${source} is not a valid Folio catalog:\n${problems}`);
}

export function loadCatalogFile(path: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CatalogFileError(`cannot read catalog file ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new CatalogFileError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseCatalog(data, path);
}

export const DEMO_CATALOG_PATH = fileURLToPath(new URL("./demo-catalog.json", import.meta.url));

/** The catalog of the demo business shipped with Folio ("Quire": journaling app + paper shop). */
export function demoCatalog(): Catalog {
  return loadCatalogFile(DEMO_CATALOG_PATH);
}
