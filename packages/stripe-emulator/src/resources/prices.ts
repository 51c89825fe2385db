import type Stripe from "stripe";
import { z } from "zod";
import { ApiError, invalidParam, invalidRequest, missingParam } from "../core/errors.ts";
import { listObjects } from "../core/list.ts";
import {
  applyMetadata,
  bool,
  currency,
  emptyable,
  int,
  list,
  listShape,
  metadata,
  obj,
  oneOf,
  parseParams,
  str,
} from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { mustGet, saveAndEmitUpdate } from "../core/util.ts";
import { checkPriceMeter } from "../billing/meters/meters.ts";
import { createProduct, getProduct } from "./products.ts";
import { retrieveRoute, searchRoute, toDecimal } from "./shared.ts";

const recurringParam = () =>
  obj({
    interval: oneOf(["day", "week", "month", "year"]),
    interval_count: int({ min: 1 }).optional(),
    usage_type: oneOf(["licensed", "metered"]).optional(),
    meter: z.string().optional(),
    trial_period_days: int({ min: 1 }).optional(),
  });

const amountShape = {
  currency: currency(),
  unit_amount: int({ min: 0 }).optional(),
  unit_amount_decimal: z
    .string()
    .regex(/^\d+(\.\d{1,12})?$/, "Invalid decimal")
    .optional(),
  recurring: recurringParam().optional(),
  tax_behavior: oneOf(["exclusive", "inclusive", "unspecified"]).optional(),
};

const createSchema = obj({
  ...amountShape,
  active: bool().optional(),
  billing_scheme: oneOf(["per_unit", "tiered"]).optional(),
  lookup_key: str({ max: 200 }).optional(),
  transfer_lookup_key: bool().optional(),
  metadata: metadata().optional(),
  nickname: str({ max: 5000 }).optional(),
  product: z.string().optional(),
  product_data: obj({
    name: z.string(),
    active: bool().optional(),
    id: z.string().optional(),
    metadata: metadata().optional(),
    statement_descriptor: str({ max: 22 }).optional(),
    tax_code: z.string().optional(),
    unit_label: str({ max: 12 }).optional(),
  }).optional(),
  transform_quantity: obj({ divide_by: int({ min: 1 }), round: oneOf(["down", "up"]) }).optional(),
});

/** The shape `products.create({ default_price_data })` accepts. */
const defaultPriceDataSchema = obj(amountShape);

const updateSchema = obj({
  active: bool().optional(),
  lookup_key: emptyable(str({ max: 200 })).optional(),
  transfer_lookup_key: bool().optional(),
  metadata: metadata().optional(),
  nickname: emptyable(str({ max: 5000 })).optional(),
  tax_behavior: oneOf(["exclusive", "inclusive", "unspecified"]).optional(),
});

const listSchema = obj({
  ...listShape,
  active: bool().optional(),
  currency: currency().optional(),
  lookup_keys: list(z.string()).optional(),
  product: z.string().optional(),
  recurring: obj({
    interval: oneOf(["day", "week", "month", "year"]).optional(),
    meter: z.string().optional(),
    usage_type: oneOf(["licensed", "metered"]).optional(),
  }).optional(),
  type: oneOf(["one_time", "recurring"]).optional(),
});

export function getPrice(ctx: Ctx, id: string, param = "price"): Stripe.Price {
  return mustGet<Stripe.Price>(ctx, "price", id, param);
}

/**
 * A lookup key belongs to one price; `transfer_lookup_key` moves it from its current
 * owner (which is updated and emits `price.updated`), otherwise reuse is an error.
 */
function claimLookupKey(ctx: Ctx, key: string, transfer: boolean, selfId: string | null): void {
  const owner = ctx.store.list<Stripe.Price>("price", {
    where: (p) => p.lookup_key === key && p.id !== selfId,
  })[0];
  if (!owner) return;
  if (!transfer) {
    throw invalidParam(
      "lookup_key",
      `A price (\`${owner.id}\`) already uses that lookup key. To transfer the lookup key to this price, set \`transfer_lookup_key\` to true.`,
    );
  }
  saveAndEmitUpdate(ctx, "price.updated", owner, { ...owner, lookup_key: null });
}

type AmountParams = z.output<typeof defaultPriceDataSchema>;

function buildPrice(
  ctx: Ctx,
  productId: string,
  p: AmountParams & Partial<z.output<typeof createSchema>>,
): Stripe.Price {
  if ((p.billing_scheme ?? "per_unit") === "tiered") {
    throw invalidParam("billing_scheme", "Tiered prices are not supported by the emulator.");
  }
  if (p.unit_amount === undefined && p.unit_amount_decimal === undefined) {
    throw missingParam("unit_amount");
  }
  if (p.unit_amount !== undefined && p.unit_amount_decimal !== undefined) {
    throw invalidRequest(
      "You may only specify one of these parameters: unit_amount, unit_amount_decimal.",
      { code: "parameters_exclusive", param: "unit_amount" },
    );
  }
  const unitAmount =
    p.unit_amount ?? (p.unit_amount_decimal !== undefined ? Number(p.unit_amount_decimal) : 0);
  if (p.recurring) checkPriceMeter(ctx, p.recurring, "recurring");
  const recurring: Stripe.Price.Recurring | null = p.recurring
    ? {
        interval: p.recurring.interval,
        interval_count: p.recurring.interval_count ?? 1,
        meter: p.recurring.meter ?? null,
        trial_period_days: p.recurring.trial_period_days ?? null,
        usage_type: p.recurring.usage_type ?? "licensed",
      }
    : null;
  if (recurring) {
    const maxCount = { day: 1095, week: 156, month: 36, year: 3 }[recurring.interval as "day"];
    if (recurring.interval_count > maxCount) {
      throw invalidParam(
        "recurring[interval_count]",
        "The maximum billing interval is 3 years (1095 days, 156 weeks or 36 months).",
      );
    }
  }
  return {
    id: ctx.ids.id("price"),
    object: "price",
    active: p.active ?? true,
    billing_scheme: "per_unit",
    created: ctx.now(),
    currency: p.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: p.lookup_key ?? null,
    metadata: applyMetadata({}, p.metadata),
    nickname: p.nickname ?? null,
    product: productId,
    recurring,
    tax_behavior: p.tax_behavior ?? "unspecified",
    tiers_mode: null,
    transform_quantity: p.transform_quantity ?? null,
    type: recurring ? "recurring" : "one_time",
    unit_amount: Number.isInteger(unitAmount) ? unitAmount : null,
    unit_amount_decimal: toDecimal(p.unit_amount_decimal ?? String(unitAmount)),
  };
}

export function createPrice(ctx: Ctx, p: z.output<typeof createSchema>): Stripe.Price {
  let productId: string;
  if (p.product !== undefined && p.product_data !== undefined) {
    throw invalidRequest("You may only specify one of these parameters: product, product_data.", {
      code: "parameters_exclusive",
      param: "product",
    });
  }
  if (p.product !== undefined) {
    productId = getProduct(ctx, p.product).id;
  } else if (p.product_data !== undefined) {
    productId = createProduct(ctx, {
      ...p.product_data,
      ...(p.product_data.metadata !== undefined ? { metadata: p.product_data.metadata } : {}),
    }).id;
  } else {
    throw missingParam("product");
  }
  if (p.lookup_key !== undefined)
    claimLookupKey(ctx, p.lookup_key, p.transfer_lookup_key ?? false, null);
  const price = buildPrice(ctx, productId, p);
  ctx.store.insert(price);
  ctx.emit("price.created", price);
  return price;
}

/** `products.create({ default_price_data })`: the product's first price. */
export function createDefaultPrice(ctx: Ctx, product: Stripe.Product, data: unknown): string {
  const p = parseParamsWithPrefix(defaultPriceDataSchema, data, "default_price_data");
  const price = buildPrice(ctx, product.id, p);
  ctx.store.insert(price);
  ctx.emit("price.created", price);
  return price.id;
}

/** Parses nested params and reports the failing field under its full bracket name. */
function parseParamsWithPrefix<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  prefix: string,
): z.output<S> {
  try {
    return parseParams(schema, raw);
  } catch (error) {
    if (!(error instanceof ApiError) || !error.options.param) throw error;
    const [head = "", ...rest] = error.options.param.split("[");
    const param = `${prefix}[${head}]${rest.length ? `[${rest.join("[")}` : ""}`;
    throw new ApiError(
      error.status,
      error.type,
      error.message.replace(error.options.param, param),
      {
        ...error.options,
        param,
      },
    );
  }
}

export const pricesModule: EmulatorModule = {
  name: "prices",
  routes: [
    {
      method: "POST",
      path: "/v1/prices",
      handler: (ctx, req) => createPrice(ctx, parseParams(createSchema, req.params)),
    },
    searchRoute("price", "/v1/prices/search"),
    retrieveRoute("price", "/v1/prices/:id"),
    {
      method: "POST",
      path: "/v1/prices/:id",
      handler: (ctx, req) => {
        const price = getPrice(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(updateSchema, req.params);
        if (p.lookup_key !== undefined && p.lookup_key !== null) {
          claimLookupKey(ctx, p.lookup_key, p.transfer_lookup_key ?? false, price.id);
        }
        const next: Stripe.Price = {
          ...price,
          active: p.active ?? price.active,
          lookup_key: p.lookup_key !== undefined ? p.lookup_key : price.lookup_key,
          metadata: applyMetadata(price.metadata, p.metadata),
          nickname: p.nickname !== undefined ? p.nickname : price.nickname,
          tax_behavior: p.tax_behavior ?? price.tax_behavior,
        };
        return saveAndEmitUpdate(ctx, "price.updated", price, next);
      },
    },
    {
      method: "GET",
      path: "/v1/prices",
      handler: (ctx, req) => {
        const p = parseParams(listSchema, req.params);
        return listObjects<Stripe.Price>(ctx, "price", p, "/v1/prices", {
          where: (o) =>
            (p.active === undefined || o.active === p.active) &&
            (p.currency === undefined || o.currency === p.currency) &&
            (p.lookup_keys === undefined ||
              (o.lookup_key !== null && p.lookup_keys.includes(o.lookup_key))) &&
            (p.product === undefined || o.product === p.product) &&
            (p.type === undefined || o.type === p.type) &&
            (p.recurring?.interval === undefined ||
              o.recurring?.interval === p.recurring.interval) &&
            (p.recurring?.usage_type === undefined ||
              o.recurring?.usage_type === p.recurring.usage_type) &&
            (p.recurring?.meter === undefined || o.recurring?.meter === p.recurring.meter),
        });
      },
    },
  ],
};
