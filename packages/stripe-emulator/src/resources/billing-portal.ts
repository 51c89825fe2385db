import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam, missingParam } from "../core/errors.ts";
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
import { mustGet, saveAndEmitUpdate } from "../core/util.ts";
import { httpUrl } from "../core/params.ts";
import { getCustomer } from "./customers.ts";
import { CANCELLATION_FEEDBACK } from "./shared.ts";

/**
 * Customer portal: configurations (which features the portal offers) and sessions (a URL
 * that opens the portal for one customer). The portal page itself is `src/pages/portal.ts`;
 * it offers invoice history, payment method update and subscription cancellation.
 */

type Configuration = Stripe.BillingPortal.Configuration;
type PortalSession = Stripe.BillingPortal.Session;

const featuresParam = () =>
  obj({
    customer_update: obj({
      enabled: bool(),
      // The portal page edits these; shipping addresses and tax ids are not emulated.
      allowed_updates: emptyable(list(oneOf(["address", "email", "name", "phone"]))).optional(),
    }).optional(),
    invoice_history: obj({ enabled: bool() }).optional(),
    payment_method_update: obj({
      enabled: bool(),
      payment_method_configuration: emptyable(z.string()).optional(),
    }).optional(),
    subscription_cancel: obj({
      enabled: bool(),
      mode: oneOf(["at_period_end", "immediately"]).optional(),
      proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
      cancellation_reason: obj({
        enabled: bool(),
        options: emptyable(list(oneOf(CANCELLATION_FEEDBACK))).optional(),
      }).optional(),
    }).optional(),
    subscription_pause: obj({ enabled: bool().optional() }).optional(),
    // Plan-change settings (products, proration…) are accepted; only `enabled` matters here.
    subscription_update: z.looseObject({ enabled: bool() }).optional(),
  });

const businessProfileParam = () =>
  obj({
    headline: emptyable(str({ max: 60 })).optional(),
    privacy_policy_url: httpUrl().optional(),
    terms_of_service_url: httpUrl().optional(),
  });

const configCreate = obj({
  features: featuresParam(),
  business_profile: businessProfileParam().optional(),
  default_return_url: emptyable(httpUrl()).optional(),
  login_page: obj({ enabled: bool() }).optional(),
  metadata: metadata().optional(),
  name: emptyable(str({ max: 256 })).optional(),
});

const configUpdate = obj({
  active: bool().optional(),
  features: featuresParam().optional(),
  business_profile: businessProfileParam().optional(),
  default_return_url: emptyable(httpUrl()).optional(),
  login_page: obj({ enabled: bool() }).optional(),
  metadata: metadata().optional(),
  name: emptyable(str({ max: 256 })).optional(),
});

const sessionCreate = obj({
  customer: z.string().optional(),
  configuration: z.string().optional(),
  return_url: httpUrl().optional(),
  locale: z.string().optional(),
  on_behalf_of: z.string().optional(),
  flow_data: z.unknown().optional(),
});

type FeaturesParam = z.output<ReturnType<typeof featuresParam>>;

function defaultFeatures(): Stripe.BillingPortal.Configuration.Features {
  return {
    customer_update: { allowed_updates: ["email", "address"], enabled: false },
    invoice_history: { enabled: true },
    payment_method_update: { enabled: true, payment_method_configuration: null },
    subscription_cancel: {
      cancellation_reason: { enabled: false, feedback_options: null, options: [] },
      enabled: true,
      mode: "at_period_end",
      proration_behavior: "none",
    },
    subscription_pause: { duration: { interval_options: [], type: "indefinite" }, enabled: false },
    subscription_update: {
      billing_cycle_anchor: null,
      default_allowed_updates: [],
      enabled: false,
      products: [],
      proration_behavior: "none",
      schedule_at_period_end: { conditions: [] },
      trial_update_behavior: "end_trial",
    },
  };
}

/** Applies feature params; the portal page has no plan switching or pausing, so those stay off. */
function applyFeatures(
  base: Stripe.BillingPortal.Configuration.Features,
  f: FeaturesParam | undefined,
): Stripe.BillingPortal.Configuration.Features {
  if (!f) return base;
  if (f.subscription_update?.enabled === true) {
    throw invalidParam(
      "features[subscription_update][enabled]",
      "The emulator's portal does not offer plan changes; leave subscription_update disabled.",
    );
  }
  if (f.subscription_pause?.enabled === true) {
    throw invalidParam(
      "features[subscription_pause][enabled]",
      "The emulator's portal does not offer pausing; leave subscription_pause disabled.",
    );
  }
  const next = structuredClone(base);
  if (f.customer_update) {
    next.customer_update = {
      enabled: f.customer_update.enabled,
      allowed_updates: f.customer_update.allowed_updates ?? next.customer_update.allowed_updates,
    };
  }
  if (f.invoice_history) next.invoice_history = { enabled: f.invoice_history.enabled };
  if (f.payment_method_update) {
    next.payment_method_update = {
      enabled: f.payment_method_update.enabled,
      payment_method_configuration: f.payment_method_update.payment_method_configuration ?? null,
    };
  }
  const c = f.subscription_cancel;
  if (c) {
    next.subscription_cancel = {
      enabled: c.enabled,
      mode: c.mode ?? next.subscription_cancel.mode,
      proration_behavior: c.proration_behavior ?? next.subscription_cancel.proration_behavior,
      cancellation_reason: c.cancellation_reason
        ? {
            enabled: c.cancellation_reason.enabled,
            feedback_options: null,
            options: c.cancellation_reason.options ?? [],
          }
        : next.subscription_cancel.cancellation_reason,
    };
  }
  return next;
}

function createConfiguration(
  ctx: Ctx,
  p: z.output<typeof configCreate>,
  isDefault: boolean,
): Configuration {
  const now = ctx.now();
  const config: Configuration = {
    id: ctx.ids.id("bpc"),
    object: "billing_portal.configuration",
    active: true,
    application: null,
    business_profile: {
      headline: p.business_profile?.headline ?? null,
      privacy_policy_url: p.business_profile?.privacy_policy_url ?? null,
      terms_of_service_url: p.business_profile?.terms_of_service_url ?? null,
    },
    created: now,
    default_return_url: p.default_return_url ?? null,
    features: applyFeatures(defaultFeatures(), p.features),
    is_default: isDefault,
    livemode: false,
    login_page: { enabled: p.login_page?.enabled ?? false, url: null },
    metadata: applyMetadata({}, p.metadata),
    name: p.name ?? null,
    updated: now,
  };
  ctx.store.insert(config);
  ctx.emit("billing_portal.configuration.created", config);
  return config;
}

/** The account's default configuration, created on first use like the Dashboard's. */
export function defaultConfiguration(ctx: Ctx): Configuration {
  const existing = ctx.store.list<Configuration>("billing_portal.configuration", {
    where: (c) => c.is_default,
  })[0];
  return existing ?? createConfiguration(ctx, { features: {} }, true);
}

export function getConfiguration(ctx: Ctx, id: string, param = "configuration"): Configuration {
  return mustGet<Configuration>(
    ctx,
    "billing_portal.configuration",
    id,
    param,
    "billing portal configuration",
  );
}

export function getPortalSession(ctx: Ctx, id: string): PortalSession | undefined {
  return ctx.store.getTyped<PortalSession>("billing_portal.session", id);
}

export const billingPortalModule: EmulatorModule = {
  name: "billing-portal",
  routes: [
    {
      method: "POST",
      path: "/v1/billing_portal/sessions",
      handler: (ctx, req) => {
        const p = parseParams(sessionCreate, req.params);
        if (p.customer === undefined) throw missingParam("customer");
        if (p.flow_data !== undefined) {
          throw invalidParam("flow_data", "Portal flows (flow_data) are not emulated.");
        }
        if (p.on_behalf_of !== undefined) {
          throw invalidParam("on_behalf_of", "Connect accounts are not emulated.");
        }
        const customer = getCustomer(ctx, p.customer, "customer");
        const config =
          p.configuration !== undefined
            ? getConfiguration(ctx, p.configuration)
            : defaultConfiguration(ctx);
        if (!config.active) {
          throw invalidParam(
            "configuration",
            `The configuration ${config.id} is not active.`,
            "resource_missing",
          );
        }
        const returnUrl = p.return_url ?? config.default_return_url;
        if (!returnUrl) {
          throw missingParam("return_url");
        }
        const id = `bps_${ctx.ids.token(24)}`;
        const session: PortalSession = {
          id,
          object: "billing_portal.session",
          configuration: config.id,
          created: ctx.now(),
          customer: customer.id,
          customer_account: null,
          flow: null,
          livemode: false,
          locale: p.locale ?? null,
          on_behalf_of: null,
          return_url: returnUrl,
          url: `${ctx.baseUrl}/p/session/${id}`,
        };
        ctx.store.insert(session);
        ctx.emit("billing_portal.session.created", session);
        return session;
      },
    },
    {
      method: "POST",
      path: "/v1/billing_portal/configurations",
      handler: (ctx, req) => createConfiguration(ctx, parseParams(configCreate, req.params), false),
    },
    {
      method: "GET",
      path: "/v1/billing_portal/configurations/:id",
      handler: (ctx, req) => getConfiguration(ctx, req.pathParams.id ?? "", "id"),
    },
    {
      method: "POST",
      path: "/v1/billing_portal/configurations/:id",
      handler: (ctx, req) => {
        const config = getConfiguration(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(configUpdate, req.params);
        if (p.active === false && config.is_default) {
          throw invalidParam("active", "The default configuration cannot be deactivated.");
        }
        const next: Configuration = {
          ...config,
          active: p.active ?? config.active,
          business_profile: p.business_profile
            ? {
                headline:
                  p.business_profile.headline !== undefined
                    ? p.business_profile.headline
                    : config.business_profile.headline,
                privacy_policy_url:
                  p.business_profile.privacy_policy_url ??
                  config.business_profile.privacy_policy_url,
                terms_of_service_url:
                  p.business_profile.terms_of_service_url ??
                  config.business_profile.terms_of_service_url,
              }
            : config.business_profile,
          default_return_url:
            p.default_return_url !== undefined ? p.default_return_url : config.default_return_url,
          features: applyFeatures(config.features, p.features),
          login_page: p.login_page
            ? { enabled: p.login_page.enabled, url: null }
            : config.login_page,
          metadata:
            p.metadata !== undefined ? applyMetadata(config.metadata, p.metadata) : config.metadata,
          name: p.name !== undefined ? p.name : config.name,
          updated: ctx.now(),
        };
        return saveAndEmitUpdate(ctx, "billing_portal.configuration.updated", config, next);
      },
    },
    {
      method: "GET",
      path: "/v1/billing_portal/configurations",
      handler: (ctx, req) => {
        const p = parseParams(
          obj({ ...listShape, active: bool().optional(), is_default: bool().optional() }),
          req.params,
        );
        return listObjects<Configuration>(
          ctx,
          "billing_portal.configuration",
          p,
          "/v1/billing_portal/configurations",
          {
            where: (c) =>
              (p.active === undefined || c.active === p.active) &&
              (p.is_default === undefined || c.is_default === p.is_default),
          },
        );
      },
    },
  ],
};
