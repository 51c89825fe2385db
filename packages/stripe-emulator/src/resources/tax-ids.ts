import type Stripe from "stripe";
import { z } from "zod";
import { resourceMissing } from "../core/errors.ts";
import { paginate } from "../core/list.ts";
import { listShape, obj, parseParams } from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { taxCustomer } from "../tax/calculate.ts";
import { isRecognizedLocation, jurisdictionFor } from "../tax/table.ts";
import { createCustomerTaxId, customerTaxIds } from "../tax/tax-ids.ts";
import { getCustomer } from "./customers.ts";

/**
 * Customer tax ids (`/v1/customers/:id/tax_ids`) and the customer fields Stripe only includes
 * on request: `tax_ids` and `tax` (where automatic tax places the customer, and whether it
 * can tax them there).
 */

const createSchema = obj({ type: z.string(), value: z.string() });

function getTaxId(ctx: Ctx, customerId: string, id: string): Stripe.TaxId {
  const taxId = ctx.store.getTyped<Stripe.TaxId>("tax_id", id);
  if (!taxId || taxId.customer !== customerId) throw resourceMissing("tax_id", id, "id");
  return taxId;
}

function taxIdList(ctx: Ctx, customerId: string): Stripe.ApiList<Stripe.TaxId> {
  const data = customerTaxIds(ctx, customerId);
  return { object: "list", data, has_more: false, url: `/v1/customers/${customerId}/tax_ids` };
}

/** `customer.tax`: the location automatic tax uses and what it makes of it. */
export function customerTax(ctx: Ctx, customer: Stripe.Customer): Stripe.Customer.Tax {
  const c = taxCustomer(customer, customerTaxIds(ctx, customer.id));
  const source = customer.address?.country ? "billing_address" : "shipping_destination";
  const recognized = isRecognizedLocation(c.country, c.state);
  return {
    automatic_tax: !recognized
      ? "unrecognized_location"
      : jurisdictionFor(c.country, c.state)
        ? "supported"
        : "not_collecting",
    ip_address: null,
    location: recognized && c.country ? { country: c.country, source, state: c.state } : null,
    provider: "stripe",
  };
}

export const taxIdsModule: EmulatorModule = {
  name: "tax_ids",
  routes: [
    {
      method: "POST",
      path: "/v1/customers/:id/tax_ids",
      handler: (ctx, req) => {
        const customer = getCustomer(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(createSchema, req.params);
        return createCustomerTaxId(ctx, customer.id, p);
      },
    },
    {
      method: "GET",
      path: "/v1/customers/:id/tax_ids",
      handler: (ctx, req) => {
        const customer = getCustomer(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(obj(listShape), req.params);
        // Newest first, like every list.
        const all = customerTaxIds(ctx, customer.id).reverse();
        return paginate(all, p, `/v1/customers/${customer.id}/tax_ids`);
      },
    },
    {
      method: "GET",
      path: "/v1/customers/:id/tax_ids/:tax_id",
      handler: (ctx, req) => {
        const customer = getCustomer(ctx, req.pathParams.id ?? "", "id");
        return getTaxId(ctx, customer.id, req.pathParams.tax_id ?? "");
      },
    },
    {
      method: "DELETE",
      path: "/v1/customers/:id/tax_ids/:tax_id",
      handler: (ctx, req) => {
        const customer = getCustomer(ctx, req.pathParams.id ?? "", "id");
        const taxId = getTaxId(ctx, customer.id, req.pathParams.tax_id ?? "");
        ctx.store.delete(taxId.id);
        ctx.emit("customer.tax_id.deleted", taxId);
        return { id: taxId.id, object: "tax_id", deleted: true };
      },
    },
  ],
  expanders: {
    "customer.tax_ids": (ctx, customer) => taxIdList(ctx, customer.id),
    "customer.tax": (ctx, customer) => customerTax(ctx, customer as unknown as Stripe.Customer),
  },
};
