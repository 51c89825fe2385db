import type Stripe from "stripe";
import { z } from "zod";
import { paginate } from "../core/list.ts";
import {
  applyMetadata,
  bool,
  decimal,
  emptyable,
  listShape,
  metadata,
  obj,
  parseParams,
  str,
} from "../core/params.ts";
import type { EmulatorModule } from "../core/types.ts";
import { saveAndEmitUpdate } from "../core/util.ts";
import { createTaxRate, getTaxRate, isAutomaticRate } from "../tax/rates.ts";

/**
 * `/v1/tax_rates`: the merchant's own rates, for `default_tax_rates` and per-line
 * `tax_rates`. `percentage` and `inclusive` are fixed once created, as at Stripe (update does
 * not accept them); archive a rate with `active: false` and create another.
 */

const TAX_TYPES = [
  "amusement_tax",
  "communications_tax",
  "gst",
  "hst",
  "igst",
  "jct",
  "lease_tax",
  "pst",
  "qst",
  "retail_delivery_fee",
  "rst",
  "sales_tax",
  "service_tax",
  "vat",
] as const;

const country = () => z.string().regex(/^[A-Za-z]{2}$/, "Invalid country code");

const createSchema = obj({
  display_name: str({ max: 50 }),
  inclusive: bool(),
  percentage: decimal().refine((p) => p >= 0 && p <= 100, "must be between 0 and 100"),
  active: bool().optional(),
  country: country().optional(),
  description: str({ max: 500 }).optional(),
  jurisdiction: str({ max: 50 }).optional(),
  metadata: metadata().optional(),
  state: str({ max: 2 }).optional(),
  tax_type: z.enum(TAX_TYPES).optional(),
});

const updateSchema = obj({
  active: bool().optional(),
  country: country().optional(),
  description: emptyable(str({ max: 500 })).optional(),
  display_name: str({ max: 50 }).optional(),
  jurisdiction: emptyable(str({ max: 50 })).optional(),
  metadata: metadata().optional(),
  state: emptyable(str({ max: 2 })).optional(),
  tax_type: z.enum(TAX_TYPES).optional(),
});

const listSchema = obj({ ...listShape, active: bool().optional(), inclusive: bool().optional() });

export const taxRatesModule: EmulatorModule = {
  name: "tax_rates",
  routes: [
    {
      method: "POST",
      path: "/v1/tax_rates",
      handler: (ctx, req) => {
        const p = parseParams(createSchema, req.params);
        return createTaxRate(ctx, {
          ...p,
          country: p.country?.toUpperCase(),
          metadata: applyMetadata({}, p.metadata),
        });
      },
    },
    {
      method: "GET",
      path: "/v1/tax_rates/:id",
      handler: (ctx, req) => getTaxRate(ctx, req.pathParams.id ?? "", "id"),
    },
    {
      method: "POST",
      path: "/v1/tax_rates/:id",
      handler: (ctx, req) => {
        const rate = getTaxRate(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(updateSchema, req.params);
        const next: Stripe.TaxRate = {
          ...rate,
          active: p.active ?? rate.active,
          country: p.country?.toUpperCase() ?? rate.country,
          description: p.description === undefined ? rate.description : p.description,
          display_name: p.display_name ?? rate.display_name,
          jurisdiction: p.jurisdiction === undefined ? rate.jurisdiction : p.jurisdiction,
          metadata: applyMetadata(rate.metadata, p.metadata),
          state: p.state === undefined ? rate.state : p.state,
          tax_type: p.tax_type ?? rate.tax_type,
        };
        return saveAndEmitUpdate(ctx, "tax_rate.updated", rate, next);
      },
    },
    {
      method: "GET",
      path: "/v1/tax_rates",
      handler: (ctx, req) => {
        const p = parseParams(listSchema, req.params);
        const rates = ctx.store.list<Stripe.TaxRate>("tax_rate", {
          created: p.created,
          where: (r) =>
            (p.active === undefined || r.active === p.active) &&
            (p.inclusive === undefined || r.inclusive === p.inclusive) &&
            !isAutomaticRate(ctx, r.id),
        });
        return paginate(rates, p, "/v1/tax_rates");
      },
    },
  ],
};
