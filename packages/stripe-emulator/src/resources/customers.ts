import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam, invalidRequest, resourceMissing } from "../core/errors.ts";
import { listObjects } from "../core/list.ts";
import {
  applyMetadata,
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
import { isDeleted, mustGet, previousAttributes, replaceWithDeletedStub } from "../core/util.ts";
import { addressParam, retrieveRoute, searchRoute, shippingParam, toAddress } from "./shared.ts";
import { createCustomerTaxId } from "../tax/tax-ids.ts";

const invoiceSettings = () =>
  obj({
    custom_fields: emptyable(
      list(obj({ name: str({ max: 40 }), value: str({ max: 140 }) })),
    ).optional(),
    default_payment_method: emptyable(z.string()).optional(),
    footer: emptyable(str({ max: 5000 })).optional(),
    rendering_options: emptyable(
      obj({
        amount_tax_display: emptyable(oneOf(["exclude_tax", "include_inclusive_tax"])).optional(),
        template: z.string().optional(),
      }),
    ).optional(),
  });

const commonShape = {
  address: emptyable(addressParam()).optional(),
  balance: int().optional(),
  business_name: emptyable(str({ max: 150 })).optional(),
  individual_name: emptyable(str({ max: 150 })).optional(),
  description: emptyable(str({ max: 350 })).optional(),
  email: emptyable(str({ max: 512 })).optional(),
  invoice_prefix: emptyable(
    z.string().regex(/^[A-Z0-9]{3,12}$/, "invoice_prefix must be 3–12 uppercase letters or digits"),
  ).optional(),
  invoice_settings: invoiceSettings().optional(),
  metadata: metadata().optional(),
  name: emptyable(str({ max: 256 })).optional(),
  next_invoice_sequence: int({ min: 1 }).optional(),
  phone: emptyable(str({ max: 20 })).optional(),
  preferred_locales: emptyable(list(z.string())).optional(),
  shipping: emptyable(shippingParam()).optional(),
  tax_exempt: emptyable(oneOf(["exempt", "none", "reverse"])).optional(),
  tax: obj({
    ip_address: emptyable(z.string()).optional(),
    validate_location: oneOf(["auto", "deferred", "immediately", "off"]).optional(),
  }).optional(),
  validate: z.string().optional(),
};

const createSchema = obj({
  ...commonShape,
  payment_method: z.string().optional(),
  test_clock: z.string().optional(),
  tax_id_data: list(obj({ type: z.string(), value: z.string() })).optional(),
});

const updateSchema = obj({
  ...commonShape,
  default_source: emptyable(z.string()).optional(),
});

const listSchema = obj({
  ...listShape,
  email: z.string().optional(),
  test_clock: z.string().optional(),
});

const balanceTxnCreate = obj({
  amount: int(),
  currency: currency(),
  description: emptyable(str({ max: 350 })).optional(),
  metadata: metadata().optional(),
});
const balanceTxnUpdate = obj({
  description: emptyable(str({ max: 350 })).optional(),
  metadata: metadata().optional(),
});

type CustomerParams = z.output<typeof createSchema> | z.output<typeof updateSchema>;

/**
 * Attaching a payment method is implemented by the payment-methods module; it registers
 * itself here so customers.create({ payment_method }) can attach without an import cycle.
 */
export const customerHooks: {
  /** Resolves `pm_card_*` aliases to a new payment method and checks ids exist. */
  resolvePaymentMethod?: (ctx: Ctx, paymentMethodId: string, param: string) => string;
  /** The payment method a test token already became in this request (see resolvePaymentMethod). */
  paymentMethodForToken?: (ctx: Ctx, token: string) => string | undefined;
  attachPaymentMethod?: (
    ctx: Ctx,
    paymentMethodId: string,
    customerId: string,
    param: string,
  ) => void;
  isAttached?: (ctx: Ctx, paymentMethodId: string, customerId: string) => boolean;
  /** Run before a customer is deleted (the billing half cancels subscriptions here). */
  beforeDelete: ((ctx: Ctx, customer: Stripe.Customer) => void)[];
} = { beforeDelete: [] };

export function getCustomer(ctx: Ctx, id: string, param = "customer"): Stripe.Customer {
  return mustGet<Stripe.Customer>(ctx, "customer", id, param);
}

/** `pendingPaymentMethod`: attached by this same request, so it may be the default. */
function applyParams(
  ctx: Ctx,
  base: Stripe.Customer,
  p: CustomerParams,
  pendingPaymentMethod?: string,
): Stripe.Customer {
  const next: Stripe.Customer = { ...base, invoice_settings: { ...base.invoice_settings } };
  if (p.address !== undefined)
    next.address = p.address === null ? null : toAddress(p.address, base.address);
  if (p.balance !== undefined) next.balance = p.balance;
  if (p.description !== undefined) next.description = p.description;
  if (p.email !== undefined) next.email = p.email;
  if (p.name !== undefined) next.name = p.name;
  if (p.phone !== undefined) next.phone = p.phone;
  if (p.business_name !== undefined) next.business_name = p.business_name ?? "";
  if (p.individual_name !== undefined) next.individual_name = p.individual_name ?? "";
  if (p.invoice_prefix !== undefined && p.invoice_prefix !== null)
    next.invoice_prefix = p.invoice_prefix;
  if (p.next_invoice_sequence !== undefined) next.next_invoice_sequence = p.next_invoice_sequence;
  if (p.preferred_locales !== undefined) next.preferred_locales = p.preferred_locales ?? [];
  if (p.tax_exempt !== undefined) next.tax_exempt = p.tax_exempt ?? "none";
  if (p.metadata !== undefined) next.metadata = applyMetadata(base.metadata, p.metadata);
  if (p.shipping !== undefined) {
    next.shipping =
      p.shipping === null
        ? null
        : {
            address: toAddress(p.shipping.address),
            name: p.shipping.name,
            phone: p.shipping.phone ?? null,
            carrier: null,
            tracking_number: null,
          };
  }
  const s = p.invoice_settings;
  if (s) {
    if (s.custom_fields !== undefined) next.invoice_settings.custom_fields = s.custom_fields;
    if (s.footer !== undefined) next.invoice_settings.footer = s.footer;
    if (s.rendering_options !== undefined) {
      next.invoice_settings.rendering_options =
        s.rendering_options === null
          ? null
          : {
              amount_tax_display: s.rendering_options.amount_tax_display ?? null,
              template: s.rendering_options.template ?? null,
            };
    }
    if (s.default_payment_method !== undefined) {
      const sent = s.default_payment_method;
      const pm = sent === null ? null : (customerHooks.paymentMethodForToken?.(ctx, sent) ?? sent);
      if (
        pm !== null &&
        pm !== pendingPaymentMethod &&
        !customerHooks.isAttached?.(ctx, pm, base.id)
      ) {
        throw invalidParam(
          "invoice_settings[default_payment_method]",
          `The customer does not have a payment method with the ID ${pm}. The payment method must be attached to the customer.`,
          "resource_missing",
        );
      }
      next.invoice_settings.default_payment_method = pm;
    }
  }
  return next;
}

export function createCustomer(ctx: Ctx, p: z.output<typeof createSchema>): Stripe.Customer {
  let created = ctx.now();
  if (p.test_clock !== undefined) {
    const clock = ctx.store.getTyped("test_helpers.test_clock", p.test_clock);
    if (!clock) throw resourceMissing("test clock", p.test_clock, "test_clock");
    created = ctx.clockNow(p.test_clock);
  }
  const base: Stripe.Customer = {
    id: ctx.ids.id("cus", 14),
    object: "customer",
    address: null,
    balance: 0,
    created,
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: ctx.ids
      .token(8)
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, "X"),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: p.test_clock ?? null,
  };
  // An alias (pm_card_visa) becomes a real pm_… first, so invoice_settings can name it.
  let paymentMethod: string | undefined;
  if (p.payment_method !== undefined) {
    if (!customerHooks.resolvePaymentMethod || !customerHooks.attachPaymentMethod) {
      throw invalidRequest("Payment methods are not available.");
    }
    paymentMethod = customerHooks.resolvePaymentMethod(ctx, p.payment_method, "payment_method");
  }
  const customer = applyParams(ctx, base, p, paymentMethod);
  ctx.store.insert(customer);
  ctx.emit("customer.created", customer);
  (p.tax_id_data ?? []).forEach((t, i) =>
    createCustomerTaxId(ctx, customer.id, t, `tax_id_data[${i}][value]`),
  );
  // A card that fails to attach throws here and the whole request rolls back.
  if (paymentMethod)
    customerHooks.attachPaymentMethod?.(ctx, paymentMethod, customer.id, "payment_method");
  return customer;
}

/** Saves a changed customer and emits `customer.updated` with previous_attributes. */
export function saveCustomer(
  ctx: Ctx,
  before: Stripe.Customer,
  next: Stripe.Customer,
): Stripe.Customer {
  ctx.store.update(next);
  const prev = previousAttributes(before, next);
  if (prev) ctx.emit("customer.updated", next, prev);
  return next;
}

/**
 * Adds a customer balance transaction and moves `customer.balance` (negative = credit the
 * customer has). The billing half calls this when an invoice applies the balance.
 */
export function adjustCustomerBalance(
  ctx: Ctx,
  customerId: string,
  input: {
    amount: number;
    currency: string;
    type?: Stripe.CustomerBalanceTransaction.Type;
    description?: string | null;
    invoice?: string | null;
    creditNote?: string | null;
    metadata?: Record<string, string>;
  },
): Stripe.CustomerBalanceTransaction {
  const customer = getCustomer(ctx, customerId);
  if (customer.currency && customer.currency !== input.currency) {
    throw invalidParam(
      "currency",
      `The currency ${input.currency} does not match the customer's currency ${customer.currency}.`,
    );
  }
  const next: Stripe.Customer = {
    ...customer,
    balance: customer.balance + input.amount,
    currency: customer.currency ?? input.currency,
  };
  const txn: Stripe.CustomerBalanceTransaction = {
    id: ctx.ids.id("cbtxn"),
    object: "customer_balance_transaction",
    amount: input.amount,
    checkout_session: null,
    created: ctx.clockNow(typeof customer.test_clock === "string" ? customer.test_clock : null),
    credit_note: input.creditNote ?? null,
    currency: input.currency,
    customer: customer.id,
    customer_account: null,
    description: input.description ?? null,
    ending_balance: next.balance,
    invoice: input.invoice ?? null,
    livemode: false,
    metadata: input.metadata ?? {},
    type: input.type ?? "adjustment",
  };
  ctx.store.insert(txn);
  saveCustomer(ctx, customer, next);
  return txn;
}

function getBalanceTxn(
  ctx: Ctx,
  customerId: string,
  id: string,
): Stripe.CustomerBalanceTransaction {
  const txn = ctx.store.getTyped<Stripe.CustomerBalanceTransaction>(
    "customer_balance_transaction",
    id,
  );
  if (!txn || txn.customer !== customerId)
    throw resourceMissing("customer balance transaction", id);
  return txn;
}

export const customersModule: EmulatorModule = {
  name: "customers",
  routes: [
    {
      method: "POST",
      path: "/v1/customers",
      handler: (ctx, req) => createCustomer(ctx, parseParams(createSchema, req.params)),
    },
    searchRoute<Stripe.Customer>("customer", "/v1/customers/search", (c) => !isDeleted(c)),
    // Deleted customers still retrieve, as the `{ deleted: true }` stub.
    retrieveRoute("customer", "/v1/customers/:id", { allowDeleted: true }),
    {
      method: "POST",
      path: "/v1/customers/:id",
      handler: (ctx, req) => {
        const customer = getCustomer(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(updateSchema, req.params);
        if (p.default_source !== undefined && p.default_source !== null) {
          throw invalidParam(
            "default_source",
            `No such source: '${p.default_source}'`,
            "resource_missing",
          );
        }
        return saveCustomer(ctx, customer, applyParams(ctx, customer, p));
      },
    },
    {
      method: "GET",
      path: "/v1/customers",
      handler: (ctx, req) => {
        const p = parseParams(listSchema, req.params);
        return listObjects<Stripe.Customer>(ctx, "customer", p, "/v1/customers", {
          where: (c) =>
            !isDeleted(c) &&
            (p.email === undefined || c.email === p.email) &&
            (p.test_clock === undefined || c.test_clock === p.test_clock),
        });
      },
    },
    {
      method: "DELETE",
      path: "/v1/customers/:id",
      handler: (ctx, req) => {
        const customer = getCustomer(ctx, req.pathParams.id ?? "", "id");
        for (const hook of customerHooks.beforeDelete) hook(ctx, customer);
        return replaceWithDeletedStub(ctx, "customer.deleted", customer);
      },
    },
    {
      method: "POST",
      path: "/v1/customers/:id/balance_transactions",
      handler: (ctx, req) => {
        const customer = getCustomer(ctx, req.pathParams.id ?? "", "customer");
        const p = parseParams(balanceTxnCreate, req.params);
        return adjustCustomerBalance(ctx, customer.id, {
          amount: p.amount,
          currency: p.currency,
          description: p.description ?? null,
          metadata: applyMetadata({}, p.metadata),
        });
      },
    },
    {
      method: "GET",
      path: "/v1/customers/:id/balance_transactions",
      handler: (ctx, req) => {
        const customer = getCustomer(ctx, req.pathParams.id ?? "", "customer");
        const p = parseParams(obj({ ...listShape, invoice: z.string().optional() }), req.params);
        return listObjects<Stripe.CustomerBalanceTransaction>(
          ctx,
          "customer_balance_transaction",
          p,
          `/v1/customers/${customer.id}/balance_transactions`,
          {
            customer: customer.id,
            where: (t) => p.invoice === undefined || t.invoice === p.invoice,
          },
        );
      },
    },
    {
      method: "GET",
      path: "/v1/customers/:id/balance_transactions/:txn",
      handler: (ctx, req) => getBalanceTxn(ctx, req.pathParams.id ?? "", req.pathParams.txn ?? ""),
    },
    {
      method: "POST",
      path: "/v1/customers/:id/balance_transactions/:txn",
      handler: (ctx, req) => {
        const txn = getBalanceTxn(ctx, req.pathParams.id ?? "", req.pathParams.txn ?? "");
        const p = parseParams(balanceTxnUpdate, req.params);
        const next: Stripe.CustomerBalanceTransaction = {
          ...txn,
          description: p.description !== undefined ? p.description : txn.description,
          metadata: applyMetadata(txn.metadata, p.metadata),
        };
        ctx.store.update(next);
        return next;
      },
    },
  ],
};
