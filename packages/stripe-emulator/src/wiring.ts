import { takeAwaitedInvoice } from "./billing/payments.ts";
import { onIntentSucceeded } from "./billing/invoices/transitions.ts";
import { invoiceHooks } from "./billing/invoices/state.ts";
import { previewHooks } from "./billing/preview.ts";
import { previewScheduled } from "./billing/schedule-preview.ts";
import {
  advanceOnRenewal,
  cancelUnstartedSchedules,
  endWithSubscription,
} from "./billing/schedules.ts";
import {
  nextAttempt,
  onCollectionFailure,
  onInvoicePaid,
} from "./billing/subscriptions/dunning.ts";
import { cancelAllForCustomer } from "./billing/subscriptions/cancel.ts";
import { applyPendingUpdate } from "./billing/subscriptions/pending-update.ts";
import { subscriptionHooks } from "./billing/subscriptions/state.ts";
import type { EmulatorModule } from "./core/types.ts";
import { pageModules } from "./pages/index.ts";
import { customerHooks } from "./resources/customers.ts";
import { createDefaultPrice } from "./resources/prices.ts";
import { productHooks } from "./resources/products.ts";
import { resourceModules } from "./resources/index.ts";
import {
  attachPaymentMethod,
  paymentMethodForToken,
  resolvePaymentMethod,
} from "./services/payments/methods.ts";
import { paymentIntentHooks } from "./services/payments/state.ts";

/**
 * How the emulator's parts are connected. Lower layers (customers, products, payment
 * intents, invoices) expose hooks so they need not import the layers that react to them
 * (payment methods, prices, billing, schedules); those reactions are attached here, once,
 * in the order they run — not as a side effect of which file happens to be imported first.
 */
let wired = false;

function wireHooks(): void {
  if (wired) return;
  wired = true;
  // Customers take test-token payment methods (`pm_card_visa`) in create and update.
  customerHooks.resolvePaymentMethod = (ctx, id, param) => resolvePaymentMethod(ctx, id, param).id;
  customerHooks.paymentMethodForToken = paymentMethodForToken;
  customerHooks.attachPaymentMethod = (ctx, id, customer, param) => {
    attachPaymentMethod(ctx, id, customer, param);
  };
  customerHooks.isAttached = (ctx, id, customer) =>
    ctx.store.getTyped<{ customer: unknown }>("payment_method", id)?.customer === customer;
  // A deleted customer's subscriptions are canceled, then its schedules that had not started.
  customerHooks.beforeDelete.push(cancelAllForCustomer, cancelUnstartedSchedules);
  productHooks.createDefaultPrice = createDefaultPrice;
  // A payment intent that succeeds later (3DS, hosted invoice page) pays the invoice it was for.
  paymentIntentHooks.onSucceeded.push((ctx, pi) => {
    const invoice = takeAwaitedInvoice(ctx, pi.id);
    if (invoice) onIntentSucceeded(ctx, invoice, pi);
  });
  // A paid invoice activates its subscription (or ends past_due), then applies the pending
  // update it was created for; failures start dunning.
  invoiceHooks.onPaid.push(onInvoicePaid, applyPendingUpdate);
  invoiceHooks.nextAttempt = nextAttempt;
  invoiceHooks.onPaymentFailed.push(onCollectionFailure);
  invoiceHooks.onActionRequired.push(onCollectionFailure);
  // Subscription schedules follow their subscription's renewals and end.
  subscriptionHooks.beforeCycle.push(advanceOnRenewal);
  subscriptionHooks.onEnded.push(endWithSubscription);
  previewHooks.scheduled = previewScheduled;
}

/** Every built-in API and page module, with the hooks between them attached. */
export function builtinModules(): EmulatorModule[] {
  wireHooks();
  return [...resourceModules, ...pageModules];
}
