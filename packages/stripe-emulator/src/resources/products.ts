import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam, invalidRequest } from "../core/errors.ts";
import { listObjects } from "../core/list.ts";
import {
  applyMetadata,
  bool,
  decimal,
  emptyable,
  list,
  listShape,
  metadata,
  obj,
  oneOf,
  parseParams,
  str,
} from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { isDeleted, mustGet, replaceWithDeletedStub, saveAndEmitUpdate } from "../core/util.ts";
import { retrieveRoute, searchRoute } from "./shared.ts";

const dimensions = () =>
  obj({ height: decimal(), length: decimal(), weight: decimal(), width: decimal() });

const commonShape = {
  active: bool().optional(),
  description: emptyable(str({ max: 40000 })).optional(),
  images: emptyable(list(z.string())).optional(),
  marketing_features: emptyable(list(obj({ name: str({ max: 80 }) }))).optional(),
  metadata: metadata().optional(),
  package_dimensions: emptyable(dimensions()).optional(),
  shippable: bool().optional(),
  statement_descriptor: emptyable(str({ max: 22 })).optional(),
  tax_code: emptyable(z.string()).optional(),
  unit_label: emptyable(str({ max: 12 })).optional(),
  url: emptyable(z.string()).optional(),
};

const createSchema = obj({
  ...commonShape,
  name: str({ max: 250 }).refine((s) => s.length > 0, { message: "name must not be empty" }),
  id: z.string().optional(),
  type: oneOf(["good", "service"]).optional(),
  default_price_data: z.record(z.string(), z.unknown()).optional(),
});

const updateSchema = obj({
  ...commonShape,
  name: str({ max: 250 }).optional(),
  default_price: emptyable(z.string()).optional(),
});

const listSchema = obj({
  ...listShape,
  active: bool().optional(),
  ids: list(z.string()).optional(),
  shippable: bool().optional(),
  url: z.string().optional(),
});

type ProductParams = Partial<z.output<typeof createSchema>> &
  Partial<z.output<typeof updateSchema>>;

function apply(base: Stripe.Product, p: ProductParams): Stripe.Product {
  const next = { ...base };
  if (p.name !== undefined) next.name = p.name;
  if (p.active !== undefined) next.active = p.active;
  if (p.description !== undefined) next.description = p.description;
  if (p.images !== undefined) next.images = p.images ?? [];
  if (p.marketing_features !== undefined) next.marketing_features = p.marketing_features ?? [];
  if (p.metadata !== undefined) next.metadata = applyMetadata(base.metadata, p.metadata);
  if (p.package_dimensions !== undefined) next.package_dimensions = p.package_dimensions;
  if (p.shippable !== undefined) next.shippable = p.shippable;
  if (p.statement_descriptor !== undefined) next.statement_descriptor = p.statement_descriptor;
  if (p.tax_code !== undefined) next.tax_code = p.tax_code;
  if (p.unit_label !== undefined) next.unit_label = p.unit_label;
  if (p.url !== undefined) next.url = p.url;
  return next;
}

/** Creates a product (also used by `prices.create({ product_data })`). */
export function createProduct(ctx: Ctx, p: ProductParams & { name: string }): Stripe.Product {
  const id = p.id ?? ctx.ids.id("prod", 14);
  if (ctx.store.get(id)) {
    throw invalidParam("id", `Product already exists.`, "resource_already_exists");
  }
  const now = ctx.now();
  const product = apply(
    {
      id,
      object: "product",
      active: true,
      created: now,
      default_price: null,
      description: null,
      images: [],
      livemode: false,
      marketing_features: [],
      metadata: {},
      name: p.name,
      package_dimensions: null,
      shippable: null,
      statement_descriptor: null,
      tax_code: null,
      tax_details: null,
      type: p.type ?? "service",
      unit_label: null,
      updated: now,
      url: null,
    },
    p,
  );
  ctx.store.insert(product);
  ctx.emit("product.created", product);
  return product;
}

export function getProduct(ctx: Ctx, id: string, param = "product"): Stripe.Product {
  return mustGet<Stripe.Product>(ctx, "product", id, param);
}

/**
 * `default_price_data` is created by the prices module; it registers the factory here to
 * avoid an import cycle (prices import products for `product_data`).
 */
export const productHooks: {
  createDefaultPrice?: (ctx: Ctx, product: Stripe.Product, data: Record<string, unknown>) => string;
} = {};

export const productsModule: EmulatorModule = {
  name: "products",
  routes: [
    {
      method: "POST",
      path: "/v1/products",
      handler: (ctx, req) => {
        const p = parseParams(createSchema, req.params);
        const product = createProduct(ctx, p);
        if (p.default_price_data && productHooks.createDefaultPrice) {
          const priceId = productHooks.createDefaultPrice(ctx, product, p.default_price_data);
          const next = { ...product, default_price: priceId };
          ctx.store.update(next);
          return next;
        }
        return product;
      },
    },
    searchRoute<Stripe.Product>("product", "/v1/products/search", (p) => !isDeleted(p)),
    // Deleted products still retrieve, as the `{ deleted: true }` stub.
    retrieveRoute("product", "/v1/products/:id", { allowDeleted: true }),
    {
      method: "POST",
      path: "/v1/products/:id",
      handler: (ctx, req) => {
        const product = getProduct(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(updateSchema, req.params);
        const next = apply(product, p);
        if (p.default_price !== undefined) {
          if (p.default_price !== null) {
            const price = ctx.store.getTyped<Stripe.Price>("price", p.default_price);
            if (!price || price.product !== product.id) {
              throw invalidParam(
                "default_price",
                `No such price: '${p.default_price}'`,
                "resource_missing",
              );
            }
            if (!price.active) {
              throw invalidParam("default_price", "The default price must be active.");
            }
          }
          next.default_price = p.default_price;
        }
        if (JSON.stringify(next) !== JSON.stringify(product)) next.updated = ctx.now();
        return saveAndEmitUpdate(ctx, "product.updated", product, next);
      },
    },
    {
      method: "GET",
      path: "/v1/products",
      handler: (ctx, req) => {
        const p = parseParams(listSchema, req.params);
        return listObjects<Stripe.Product>(ctx, "product", p, "/v1/products", {
          where: (o) =>
            !isDeleted(o) &&
            (p.active === undefined || o.active === p.active) &&
            (p.ids === undefined || p.ids.includes(o.id)) &&
            (p.shippable === undefined || o.shippable === p.shippable) &&
            (p.url === undefined || o.url === p.url),
        });
      },
    },
    {
      method: "DELETE",
      path: "/v1/products/:id",
      handler: (ctx, req) => {
        const product = getProduct(ctx, req.pathParams.id ?? "", "id");
        const prices = ctx.store.list<Stripe.Price>("price", {
          where: (pr) => pr.product === product.id,
        });
        if (prices.length > 0) {
          throw invalidRequest(
            "This product cannot be deleted because it has one or more user-created prices.",
          );
        }
        return replaceWithDeletedStub(ctx, "product.deleted", product);
      },
    },
  ],
};
