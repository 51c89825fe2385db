import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam, invalidRequest, missingParam, resourceMissing } from "../core/errors.ts";
import { listObjects } from "../core/list.ts";
import {
  applyMetadata,
  emptyable,
  int,
  listShape,
  metadata,
  obj,
  oneOf,
  parseParams,
} from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { mustGet, saveAndEmitUpdate } from "../core/util.ts";
import {
  attachPaymentMethod,
  createCardPaymentMethod,
  detachPaymentMethod,
  resolvePaymentMethod,
  testCardFromInput,
} from "../services/payments/methods.ts";
import { testCardByAlias } from "../services/test-cards.ts";
import { getCustomer } from "./customers.ts";
import { addressParam, toAddress } from "./shared.ts";

export const billingDetailsParam = () =>
  obj({
    address: emptyable(addressParam()).optional(),
    email: emptyable(z.string()).optional(),
    name: emptyable(z.string()).optional(),
    phone: emptyable(z.string()).optional(),
    tax_id: z.string().optional(),
  });

export const cardParam = () =>
  z.union([
    obj({
      number: z.string(),
      exp_month: int({ min: 1, max: 12 }),
      exp_year: int(),
      cvc: z.string().optional(),
      networks: z.unknown().optional(),
    }),
    obj({ token: z.string() }),
  ]);

const createSchema = obj({
  type: oneOf(["card"]).optional(),
  card: cardParam().optional(),
  billing_details: billingDetailsParam().optional(),
  metadata: metadata().optional(),
  allow_redisplay: oneOf(["always", "limited", "unspecified"]).optional(),
  customer: z.string().optional(),
  payment_method: z.string().optional(),
  radar_options: z.unknown().optional(),
});

const updateSchema = obj({
  billing_details: billingDetailsParam().optional(),
  card: obj({
    exp_month: int({ min: 1, max: 12 }).optional(),
    exp_year: int().optional(),
    networks: z.unknown().optional(),
  }).optional(),
  metadata: metadata().optional(),
  allow_redisplay: oneOf(["always", "limited", "unspecified"]).optional(),
});

type BillingDetailsParam = z.output<ReturnType<typeof billingDetailsParam>>;

export function toBillingDetails(
  p: BillingDetailsParam | undefined,
  base?: Stripe.PaymentMethod.BillingDetails,
): Partial<Stripe.PaymentMethod.BillingDetails> {
  if (!p) return base ?? {};
  return {
    address:
      p.address === undefined
        ? (base?.address ?? null)
        : p.address === null
          ? null
          : toAddress(p.address, base?.address),
    email: p.email === undefined ? (base?.email ?? null) : p.email,
    name: p.name === undefined ? (base?.name ?? null) : p.name,
    phone: p.phone === undefined ? (base?.phone ?? null) : p.phone,
    tax_id: p.tax_id ?? base?.tax_id ?? null,
  };
}

/** `payment_method_data` on intents and `paymentMethods.create` share this. */
export function createPaymentMethodFromParams(
  ctx: Ctx,
  p: {
    type?: string | undefined;
    card?: z.output<ReturnType<typeof cardParam>> | undefined;
    billing_details?: BillingDetailsParam | undefined;
    metadata?: Record<string, string> | null | undefined;
    allow_redisplay?: Stripe.PaymentMethod.AllowRedisplay | undefined;
  },
  prefix = "",
): Stripe.PaymentMethod {
  const name = (field: string) => (prefix ? `${prefix}[${field}]` : field);
  if (p.type === undefined) throw missingParam(name("type"));
  if (!p.card) throw missingParam(name("card"));
  const card =
    "token" in p.card
      ? testCardByAlias(p.card.token)
      : testCardFromInput(
          ctx,
          {
            number: p.card.number,
            exp_month: p.card.exp_month,
            exp_year: p.card.exp_year,
            ...(p.card.cvc !== undefined ? { cvc: p.card.cvc } : {}),
          },
          name("card"),
        );
  if (!card)
    throw invalidParam(
      name("card[token]"),
      "No such token: this emulator knows the tok_visa-style test tokens.",
      "resource_missing",
    );
  return createCardPaymentMethod(ctx, {
    card,
    ...("number" in p.card ? { expMonth: p.card.exp_month, expYear: p.card.exp_year } : {}),
    billingDetails: toBillingDetails(p.billing_details),
    metadata: applyMetadata({}, p.metadata),
    ...(p.allow_redisplay ? { allowRedisplay: p.allow_redisplay } : {}),
  });
}

function getPm(ctx: Ctx, id: string, param = "payment_method"): Stripe.PaymentMethod {
  return mustGet<Stripe.PaymentMethod>(ctx, "payment_method", id, param, "PaymentMethod");
}

function listForCustomer(
  ctx: Ctx,
  customerId: string,
  params: Record<string, unknown>,
  url: string,
) {
  const p = parseParams(
    obj({ ...listShape, type: z.string().optional(), allow_redisplay: z.string().optional() }),
    params,
  );
  return listObjects<Stripe.PaymentMethod>(ctx, "payment_method", p, url, {
    where: (pm) =>
      pm.customer === customerId &&
      (p.type === undefined || pm.type === p.type) &&
      (p.allow_redisplay === undefined || pm.allow_redisplay === p.allow_redisplay),
  });
}

export const paymentMethodsModule: EmulatorModule = {
  name: "payment_methods",
  routes: [
    {
      method: "POST",
      path: "/v1/payment_methods",
      handler: (ctx, req) => {
        const p = parseParams(createSchema, req.params);
        if (p.payment_method !== undefined) {
          // Cloning a customer's method is a Connect feature; only plain ids are looked up.
          throw invalidParam(
            "payment_method",
            "Cloning payment methods is not supported by the emulator.",
          );
        }
        const pm = createPaymentMethodFromParams(ctx, p);
        if (p.customer !== undefined)
          return attachPaymentMethod(ctx, pm.id, p.customer, "customer");
        return pm;
      },
    },
    {
      method: "GET",
      path: "/v1/payment_methods/:id",
      handler: (ctx, req) => {
        const id = req.pathParams.id ?? "";
        // Retrieving a test alias materialises it, as Stripe does.
        if (testCardByAlias(id)) return resolvePaymentMethod(ctx, id, "payment_method");
        return getPm(ctx, id);
      },
    },
    {
      method: "POST",
      path: "/v1/payment_methods/:id",
      handler: (ctx, req) => {
        const pm = getPm(ctx, req.pathParams.id ?? "");
        const p = parseParams(updateSchema, req.params);
        if (!pm.customer && (p.billing_details || p.card)) {
          throw invalidRequest(
            "You must save this PaymentMethod to a customer before you can update it.",
            {
              code: "payment_method_unexpected_state",
            },
          );
        }
        const next: Stripe.PaymentMethod = {
          ...pm,
          billing_details: {
            ...pm.billing_details,
            ...toBillingDetails(p.billing_details, pm.billing_details),
          },
          metadata: applyMetadata(pm.metadata, p.metadata),
          ...(p.allow_redisplay ? { allow_redisplay: p.allow_redisplay } : {}),
          ...(pm.card && p.card
            ? {
                card: {
                  ...pm.card,
                  exp_month: p.card.exp_month ?? pm.card.exp_month,
                  exp_year: p.card.exp_year ?? pm.card.exp_year,
                },
              }
            : {}),
        };
        return saveAndEmitUpdate(ctx, "payment_method.updated", pm, next);
      },
    },
    {
      method: "GET",
      path: "/v1/payment_methods",
      handler: (ctx, req) => {
        const { customer, ...rest } = req.params;
        if (typeof customer !== "string") {
          // Stripe lists only a customer's methods here.
          throw missingParam("customer");
        }
        getCustomer(ctx, customer);
        return listForCustomer(ctx, customer, rest, "/v1/payment_methods");
      },
    },
    {
      method: "POST",
      path: "/v1/payment_methods/:id/attach",
      handler: (ctx, req) => {
        const p = parseParams(
          obj({ customer: z.string().optional(), customer_account: z.string().optional() }),
          req.params,
        );
        if (p.customer === undefined) throw missingParam("customer");
        return attachPaymentMethod(ctx, req.pathParams.id ?? "", p.customer, "payment_method");
      },
    },
    {
      method: "POST",
      path: "/v1/payment_methods/:id/detach",
      handler: (ctx, req) => {
        parseParams(obj({}), req.params);
        return detachPaymentMethod(ctx, req.pathParams.id ?? "");
      },
    },
    {
      method: "GET",
      path: "/v1/customers/:customer/payment_methods",
      handler: (ctx, req) => {
        const customer = getCustomer(ctx, req.pathParams.customer ?? "");
        return listForCustomer(
          ctx,
          customer.id,
          req.params,
          `/v1/customers/${customer.id}/payment_methods`,
        );
      },
    },
    {
      method: "GET",
      path: "/v1/customers/:customer/payment_methods/:id",
      handler: (ctx, req) => {
        const customer = getCustomer(ctx, req.pathParams.customer ?? "");
        const pm = ctx.store.getTyped<Stripe.PaymentMethod>(
          "payment_method",
          req.pathParams.id ?? "",
        );
        if (!pm || pm.customer !== customer.id)
          throw resourceMissing("PaymentMethod", req.pathParams.id ?? "");
        return pm;
      },
    },
  ],
};
