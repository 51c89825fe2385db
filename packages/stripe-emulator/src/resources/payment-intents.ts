import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam, invalidRequest } from "../core/errors.ts";
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
import {
  cancelPaymentIntent,
  capturePaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  getPaymentIntent,
  throwOnFailure,
} from "../services/payments/intents.ts";
import { resolvePaymentMethod } from "../services/payments/methods.ts";
import {
  allowedTypesParam,
  compatibleAllowedTypes,
  withAllowedTypes,
} from "./allowed-payment-method-types.ts";
import { getCustomer } from "./customers.ts";
import {
  billingDetailsParam,
  cardParam,
  createPaymentMethodFromParams,
} from "./payment-methods.ts";
import { addressParam, retrieveRoute, searchRoute, toAddress } from "./shared.ts";

const paymentMethodData = () =>
  obj({
    type: oneOf(["card"]),
    card: cardParam().optional(),
    billing_details: billingDetailsParam().optional(),
    metadata: metadata().optional(),
    allow_redisplay: oneOf(["always", "limited", "unspecified"]).optional(),
  });

const shippingParam = () =>
  obj({
    address: addressParam(),
    name: z.string(),
    carrier: z.string().optional(),
    phone: z.string().optional(),
    tracking_number: z.string().optional(),
  });

/** Accepted for compatibility; the emulator has nothing to do with them. */
const ignored = {
  payment_method_options: z.unknown().optional(),
  use_stripe_sdk: z.unknown().optional(),
  mandate_data: z.unknown().optional(),
  radar_options: z.unknown().optional(),
  hooks: z.unknown().optional(),
  payment_details: z.unknown().optional(),
  amount_details: z.unknown().optional(),
};

const sfu = () => emptyable(oneOf(["off_session", "on_session"]));

const createSchema = obj({
  ...ignored,
  amount: int({ min: 1 }),
  currency: currency(),
  customer: z.string().optional(),
  payment_method: z.string().optional(),
  payment_method_data: paymentMethodData().optional(),
  payment_method_types: list(z.string()).optional(),
  allowed_payment_method_types: allowedTypesParam(),
  automatic_payment_methods: obj({
    enabled: bool(),
    allow_redirects: oneOf(["always", "never"]).optional(),
  }).optional(),
  capture_method: oneOf(["automatic", "automatic_async", "manual"]).optional(),
  confirmation_method: oneOf(["automatic", "manual"]).optional(),
  confirm: bool().optional(),
  off_session: z.union([bool(), oneOf(["one_off", "recurring"])]).optional(),
  error_on_requires_action: bool().optional(),
  return_url: z.string().optional(),
  description: str({ max: 1000 }).optional(),
  metadata: metadata().optional(),
  receipt_email: z.string().optional(),
  setup_future_usage: oneOf(["off_session", "on_session"]).optional(),
  shipping: shippingParam().optional(),
  statement_descriptor: str({ max: 22 }).optional(),
  statement_descriptor_suffix: str({ max: 22 }).optional(),
  transfer_group: z.string().optional(),
});

const updateSchema = obj({
  ...ignored,
  amount: int({ min: 1 }).optional(),
  currency: currency().optional(),
  customer: z.string().optional(),
  description: emptyable(str({ max: 1000 })).optional(),
  metadata: metadata().optional(),
  payment_method: z.string().optional(),
  payment_method_data: paymentMethodData().optional(),
  payment_method_types: list(z.string()).optional(),
  allowed_payment_method_types: allowedTypesParam(),
  receipt_email: emptyable(z.string()).optional(),
  setup_future_usage: sfu().optional(),
  shipping: emptyable(shippingParam()).optional(),
  statement_descriptor: str({ max: 22 }).optional(),
  statement_descriptor_suffix: str({ max: 22 }).optional(),
  capture_method: oneOf(["automatic", "automatic_async", "manual"]).optional(),
});

const confirmSchema = obj({
  ...ignored,
  allowed_payment_method_types: allowedTypesParam(),
  payment_method: z.string().optional(),
  payment_method_data: paymentMethodData().optional(),
  off_session: z.union([bool(), oneOf(["one_off", "recurring"])]).optional(),
  error_on_requires_action: bool().optional(),
  return_url: z.string().optional(),
  receipt_email: emptyable(z.string()).optional(),
  setup_future_usage: sfu().optional(),
  shipping: emptyable(shippingParam()).optional(),
  capture_method: oneOf(["automatic", "automatic_async", "manual"]).optional(),
});

function toShipping(p: z.output<ReturnType<typeof shippingParam>>): Stripe.PaymentIntent.Shipping {
  return {
    address: toAddress(p.address),
    carrier: p.carrier ?? null,
    name: p.name,
    phone: p.phone ?? null,
    tracking_number: p.tracking_number ?? null,
  };
}

/** `payment_method` or `payment_method_data` → a payment method id. */
function pmFrom(
  ctx: Ctx,
  p: {
    payment_method?: string | undefined;
    payment_method_data?: z.output<ReturnType<typeof paymentMethodData>> | undefined;
  },
): string | undefined {
  if (p.payment_method !== undefined && p.payment_method_data !== undefined) {
    throw invalidRequest(
      "You may only specify one of these parameters: payment_method, payment_method_data.",
      { code: "parameters_exclusive", param: "payment_method" },
    );
  }
  if (p.payment_method_data)
    return createPaymentMethodFromParams(ctx, p.payment_method_data, "payment_method_data").id;
  if (p.payment_method !== undefined) return resolvePaymentMethod(ctx, p.payment_method).id;
  return undefined;
}

function confirmAndAnswer(
  ctx: Ctx,
  pi: Stripe.PaymentIntent,
  opts: {
    pm?: string | undefined;
    offSession: boolean;
    returnUrl?: string | undefined;
    errorOnRequiresAction?: boolean | undefined;
    setupFutureUsage?: Stripe.PaymentIntent.SetupFutureUsage | null | undefined;
  },
): Stripe.PaymentIntent {
  const outcome = throwOnFailure(
    confirmPaymentIntent(ctx, pi, {
      ...(opts.pm !== undefined ? { paymentMethod: opts.pm } : {}),
      offSession: opts.offSession,
      ...(opts.returnUrl !== undefined ? { returnUrl: opts.returnUrl } : {}),
      ...(opts.setupFutureUsage !== undefined ? { setupFutureUsage: opts.setupFutureUsage } : {}),
    }),
  );
  if (outcome.status === "requires_action" && opts.errorOnRequiresAction) {
    throwOnFailure({
      status: "failed",
      paymentIntent: outcome.paymentIntent,
      charge: null,
      error: {
        type: "card_error",
        code: "authentication_required",
        decline_code: "authentication_required",
        message: "Your card was declined. This transaction requires authentication.",
      },
    });
  }
  return outcome.paymentIntent;
}

export const paymentIntentsModule: EmulatorModule = {
  name: "payment_intents",
  routes: [
    {
      method: "POST",
      path: "/v1/payment_intents",
      handler: (ctx, req) => {
        const p = parseParams(createSchema, req.params);
        if (p.customer !== undefined) getCustomer(ctx, p.customer);
        if (p.off_session !== undefined && p.confirm !== true) {
          throw invalidParam("off_session", "off_session can only be set when confirm=true.");
        }
        compatibleAllowedTypes(p);
        const pm = pmFrom(ctx, p);
        if (p.return_url !== undefined && p.confirm !== true) {
          throw invalidParam("return_url", "return_url can only be set when confirm=true.");
        }
        const pi = createPaymentIntent(ctx, {
          amount: p.amount,
          currency: p.currency,
          customer: p.customer ?? null,
          paymentMethod: pm ?? null,
          description: p.description ?? null,
          metadata: applyMetadata({}, p.metadata),
          ...(p.capture_method ? { captureMethod: p.capture_method } : {}),
          setupFutureUsage: p.setup_future_usage ?? null,
          receiptEmail: p.receipt_email ?? null,
          statementDescriptor: p.statement_descriptor ?? null,
          statementDescriptorSuffix: p.statement_descriptor_suffix ?? null,
          shipping: p.shipping ? toShipping(p.shipping) : null,
          ...(p.payment_method_types ? { paymentMethodTypes: p.payment_method_types } : {}),
          ...(p.allowed_payment_method_types
            ? { allowedPaymentMethodTypes: p.allowed_payment_method_types }
            : {}),
          ...(p.automatic_payment_methods
            ? { automaticPaymentMethods: p.automatic_payment_methods.enabled }
            : {}),
        });
        if (!p.confirm) return pi;
        return confirmAndAnswer(ctx, pi, {
          offSession: p.off_session !== undefined && p.off_session !== false,
          returnUrl: p.return_url,
          errorOnRequiresAction: p.error_on_requires_action,
        });
      },
    },
    searchRoute("payment_intent", "/v1/payment_intents/search"),
    retrieveRoute("payment_intent", "/v1/payment_intents/:id"),
    {
      method: "POST",
      path: "/v1/payment_intents/:id",
      handler: (ctx, req) => {
        const pi = getPaymentIntent(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(updateSchema, req.params);
        const editable = [
          "requires_payment_method",
          "requires_confirmation",
          "requires_action",
        ].includes(pi.status);
        const moneyFields =
          p.amount !== undefined ||
          p.currency !== undefined ||
          p.payment_method !== undefined ||
          p.payment_method_data !== undefined;
        if (!editable && moneyFields) {
          throw invalidRequest(
            `This PaymentIntent's amount, currency and payment method could not be updated because it has a status of ${pi.status}.`,
            { code: "payment_intent_unexpected_state" },
          );
        }
        if (p.customer !== undefined) {
          getCustomer(ctx, p.customer);
          if (pi.customer && pi.customer !== p.customer) {
            throw invalidParam(
              "customer",
              "You cannot change the customer of a PaymentIntent once set.",
            );
          }
        }
        const pm = pmFrom(ctx, p);
        const next: Stripe.PaymentIntent = withAllowedTypes(
          {
            ...pi,
            amount: p.amount ?? pi.amount,
            currency: p.currency ?? pi.currency,
            customer: p.customer ?? pi.customer,
            description: p.description !== undefined ? p.description : pi.description,
            metadata: applyMetadata(pi.metadata, p.metadata),
            receipt_email: p.receipt_email !== undefined ? p.receipt_email : pi.receipt_email,
            setup_future_usage:
              p.setup_future_usage !== undefined ? p.setup_future_usage : pi.setup_future_usage,
            shipping:
              p.shipping !== undefined ? (p.shipping ? toShipping(p.shipping) : null) : pi.shipping,
            statement_descriptor: p.statement_descriptor ?? pi.statement_descriptor,
            statement_descriptor_suffix:
              p.statement_descriptor_suffix ?? pi.statement_descriptor_suffix,
            capture_method: p.capture_method ?? pi.capture_method,
            payment_method_types: p.payment_method_types ?? pi.payment_method_types,
            ...(pm !== undefined
              ? { payment_method: pm, status: "requires_confirmation" as const, next_action: null }
              : {}),
          },
          p,
        );
        ctx.store.update(next);
        // Stripe has no payment_intent.updated event; updates are silent.
        return next;
      },
    },
    {
      method: "GET",
      path: "/v1/payment_intents",
      handler: (ctx, req) => {
        const p = parseParams(
          obj({
            ...listShape,
            customer: z.string().optional(),
            customer_account: z.string().optional(),
          }),
          req.params,
        );
        return listObjects<Stripe.PaymentIntent>(ctx, "payment_intent", p, "/v1/payment_intents", {
          ...(p.customer !== undefined ? { customer: p.customer } : {}),
        });
      },
    },
    {
      method: "POST",
      path: "/v1/payment_intents/:id/confirm",
      handler: (ctx, req) => {
        const pi = getPaymentIntent(ctx, req.pathParams.id ?? "", "intent");
        const p = parseParams(confirmSchema, req.params);
        const pm = pmFrom(ctx, p);
        let current = pi;
        if (
          p.receipt_email !== undefined ||
          p.shipping !== undefined ||
          p.capture_method !== undefined
        ) {
          current = {
            ...pi,
            receipt_email: p.receipt_email !== undefined ? p.receipt_email : pi.receipt_email,
            shipping:
              p.shipping !== undefined ? (p.shipping ? toShipping(p.shipping) : null) : pi.shipping,
            capture_method: p.capture_method ?? pi.capture_method,
          };
          ctx.store.update(current);
        }
        const allowed = withAllowedTypes(current, p);
        if (allowed !== current) {
          current = allowed;
          ctx.store.update(current);
        }
        return confirmAndAnswer(ctx, current, {
          pm,
          offSession: p.off_session !== undefined && p.off_session !== false,
          returnUrl: p.return_url,
          errorOnRequiresAction: p.error_on_requires_action,
          setupFutureUsage: p.setup_future_usage,
        });
      },
    },
    {
      method: "POST",
      path: "/v1/payment_intents/:id/capture",
      handler: (ctx, req) => {
        const pi = getPaymentIntent(ctx, req.pathParams.id ?? "", "intent");
        const p = parseParams(
          obj({
            ...ignored,
            amount_to_capture: int({ min: 1 }).optional(),
            metadata: metadata().optional(),
            statement_descriptor: z.string().optional(),
            statement_descriptor_suffix: z.string().optional(),
            final_capture: bool().optional(),
            application_fee_amount: int().optional(),
          }),
          req.params,
        );
        const captured = capturePaymentIntent(ctx, pi, p.amount_to_capture);
        if (p.metadata === undefined) return captured;
        const next = { ...captured, metadata: applyMetadata(captured.metadata, p.metadata) };
        ctx.store.update(next);
        return next;
      },
    },
    {
      method: "POST",
      path: "/v1/payment_intents/:id/cancel",
      handler: (ctx, req) => {
        const pi = getPaymentIntent(ctx, req.pathParams.id ?? "", "intent");
        const p = parseParams(
          obj({
            cancellation_reason: oneOf([
              "abandoned",
              "duplicate",
              "fraudulent",
              "requested_by_customer",
            ]).optional(),
          }),
          req.params,
        );
        return cancelPaymentIntent(ctx, pi, p.cancellation_reason ?? null);
      },
    },
  ],
};
