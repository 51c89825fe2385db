import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam, invalidRequest } from "../core/errors.ts";
import { listObjects } from "../core/list.ts";
import {
  applyMetadata,
  bool,
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
import { mustGet } from "../core/util.ts";
import { confirmSetupIntent } from "../services/payments/setup-intents.ts";
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
import { retrieveRoute } from "./shared.ts";

const pmData = () =>
  obj({
    type: oneOf(["card"]),
    card: cardParam().optional(),
    billing_details: billingDetailsParam().optional(),
    metadata: metadata().optional(),
    allow_redisplay: oneOf(["always", "limited", "unspecified"]).optional(),
  });

const ignored = {
  payment_method_options: z.unknown().optional(),
  use_stripe_sdk: z.unknown().optional(),
  mandate_data: z.unknown().optional(),
  flow_directions: z.unknown().optional(),
  single_use: z.unknown().optional(),
};

const createSchema = obj({
  ...ignored,
  customer: z.string().optional(),
  description: str({ max: 1000 }).optional(),
  metadata: metadata().optional(),
  payment_method: z.string().optional(),
  payment_method_data: pmData().optional(),
  payment_method_types: list(z.string()).optional(),
  allowed_payment_method_types: allowedTypesParam(),
  automatic_payment_methods: obj({
    enabled: bool(),
    allow_redirects: oneOf(["always", "never"]).optional(),
  }).optional(),
  usage: oneOf(["off_session", "on_session"]).optional(),
  confirm: bool().optional(),
  return_url: z.string().optional(),
  attach_to_self: bool().optional(),
});

const updateSchema = obj({
  ...ignored,
  customer: z.string().optional(),
  description: emptyable(str({ max: 1000 })).optional(),
  metadata: metadata().optional(),
  payment_method: z.string().optional(),
  payment_method_data: pmData().optional(),
  payment_method_types: list(z.string()).optional(),
  allowed_payment_method_types: allowedTypesParam(),
});

const confirmSchema = obj({
  ...ignored,
  allowed_payment_method_types: allowedTypesParam(),
  payment_method: z.string().optional(),
  payment_method_data: pmData().optional(),
  return_url: z.string().optional(),
});

function pmFrom(
  ctx: Ctx,
  p: {
    payment_method?: string | undefined;
    payment_method_data?: z.output<ReturnType<typeof pmData>> | undefined;
  },
) {
  if (p.payment_method_data)
    return createPaymentMethodFromParams(ctx, p.payment_method_data, "payment_method_data").id;
  if (p.payment_method !== undefined) return resolvePaymentMethod(ctx, p.payment_method).id;
  return undefined;
}

export function createSetupIntent(
  ctx: Ctx,
  input: {
    customer?: string | null;
    paymentMethod?: string | null;
    usage?: string;
    description?: string | null;
    metadata?: Record<string, string>;
    paymentMethodTypes?: string[];
    /** `allowed_payment_method_types` as sent; `payment_method_types` gets its card subset. */
    allowedPaymentMethodTypes?: string[];
  },
): Stripe.SetupIntent {
  if (input.customer) getCustomer(ctx, input.customer);
  const id = ctx.ids.id("seti");
  const si: Stripe.SetupIntent = {
    id,
    object: "setup_intent",
    allowed_payment_method_types: input.allowedPaymentMethodTypes ?? null,
    application: null,
    automatic_payment_methods:
      input.paymentMethodTypes || input.allowedPaymentMethodTypes
        ? null
        : { allow_redirects: "always", enabled: true },
    cancellation_reason: null,
    client_secret: `${id}_secret_${ctx.ids.token(32)}`,
    created: ctx.now(),
    customer: input.customer ?? null,
    customer_account: null,
    description: input.description ?? null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod ?? null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { mandate_options: null, network: null, request_three_d_secure: "automatic" },
    },
    payment_method_types: input.paymentMethodTypes ??
      input.allowedPaymentMethodTypes?.filter((t) => t === "card") ?? ["card"],
    single_use_mandate: null,
    status: input.paymentMethod ? "requires_confirmation" : "requires_payment_method",
    usage: input.usage ?? "off_session",
  };
  ctx.store.insert(si);
  ctx.emit("setup_intent.created", si);
  return si;
}

function getSi(ctx: Ctx, id: string, param = "intent") {
  return mustGet<Stripe.SetupIntent>(ctx, "setup_intent", id, param, "setup_intent");
}

export const setupIntentsModule: EmulatorModule = {
  name: "setup_intents",
  routes: [
    {
      method: "POST",
      path: "/v1/setup_intents",
      handler: (ctx, req) => {
        const p = parseParams(createSchema, req.params);
        if (p.return_url !== undefined && !p.confirm) {
          throw invalidParam("return_url", "return_url can only be set when confirm=true.");
        }
        compatibleAllowedTypes(p);
        const si = createSetupIntent(ctx, {
          customer: p.customer ?? null,
          paymentMethod: pmFrom(ctx, p) ?? null,
          ...(p.usage ? { usage: p.usage } : {}),
          description: p.description ?? null,
          metadata: applyMetadata({}, p.metadata),
          ...(p.payment_method_types ? { paymentMethodTypes: p.payment_method_types } : {}),
          ...(p.allowed_payment_method_types
            ? { allowedPaymentMethodTypes: p.allowed_payment_method_types }
            : {}),
        });
        if (!p.confirm) return si;
        return confirmSetupIntent(
          ctx,
          si,
          p.return_url !== undefined ? { returnUrl: p.return_url } : {},
        );
      },
    },
    retrieveRoute("setup_intent", "/v1/setup_intents/:id"),
    {
      method: "POST",
      path: "/v1/setup_intents/:id",
      handler: (ctx, req) => {
        const si = getSi(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(updateSchema, req.params);
        if (si.status === "succeeded" || si.status === "canceled") {
          if (
            p.payment_method !== undefined ||
            p.payment_method_data !== undefined ||
            p.customer !== undefined
          ) {
            throw invalidRequest(
              `This SetupIntent has a status of ${si.status} and can no longer be updated.`,
              {
                code: "setup_intent_unexpected_state",
              },
            );
          }
        }
        if (p.customer !== undefined) getCustomer(ctx, p.customer);
        const pm = pmFrom(ctx, p);
        const next: Stripe.SetupIntent = withAllowedTypes(
          {
            ...si,
            customer: p.customer ?? si.customer,
            description: p.description !== undefined ? p.description : si.description,
            metadata: applyMetadata(si.metadata, p.metadata),
            payment_method_types: p.payment_method_types ?? si.payment_method_types,
            ...(pm !== undefined
              ? { payment_method: pm, status: "requires_confirmation" as const }
              : {}),
          },
          p,
        );
        ctx.store.update(next);
        return next;
      },
    },
    {
      method: "GET",
      path: "/v1/setup_intents",
      handler: (ctx, req) => {
        const p = parseParams(
          obj({
            ...listShape,
            customer: z.string().optional(),
            payment_method: z.string().optional(),
            attach_to_self: bool().optional(),
            customer_account: z.string().optional(),
          }),
          req.params,
        );
        return listObjects<Stripe.SetupIntent>(ctx, "setup_intent", p, "/v1/setup_intents", {
          ...(p.customer !== undefined ? { customer: p.customer } : {}),
          where: (s) => p.payment_method === undefined || s.payment_method === p.payment_method,
        });
      },
    },
    {
      method: "POST",
      path: "/v1/setup_intents/:id/confirm",
      handler: (ctx, req) => {
        const si = getSi(ctx, req.pathParams.id ?? "");
        const p = parseParams(confirmSchema, req.params);
        const pm = pmFrom(ctx, p);
        const allowed = withAllowedTypes(si, p);
        if (allowed !== si) ctx.store.update(allowed);
        return confirmSetupIntent(ctx, allowed, {
          ...(pm !== undefined ? { paymentMethod: pm } : {}),
          ...(p.return_url !== undefined ? { returnUrl: p.return_url } : {}),
        });
      },
    },
    {
      method: "POST",
      path: "/v1/setup_intents/:id/cancel",
      handler: (ctx, req) => {
        const si = getSi(ctx, req.pathParams.id ?? "");
        const p = parseParams(
          obj({
            cancellation_reason: oneOf([
              "abandoned",
              "duplicate",
              "requested_by_customer",
            ]).optional(),
          }),
          req.params,
        );
        if (si.status === "succeeded" || si.status === "canceled") {
          throw invalidRequest(
            `You cannot cancel this SetupIntent because it has a status of ${si.status}.`,
            {
              code: "setup_intent_unexpected_state",
            },
          );
        }
        const next: Stripe.SetupIntent = {
          ...si,
          cancellation_reason: p.cancellation_reason ?? null,
          next_action: null,
          status: "canceled",
        };
        ctx.store.update(next);
        ctx.emit("setup_intent.canceled", next);
        return next;
      },
    },
  ],
};
