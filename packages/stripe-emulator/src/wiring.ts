import { applyPendingUpdate } from "./billing/subscriptions/pending-update.ts";
import {
  nextAttempt,
  onCollectionFailure,
  onInvoicePaid,
} from "./billing/subscriptions/dunning.ts";
import { invoiceHooks } from "./billing/invoices/state.ts";
import type { EmulatorModule } from "./core/types.ts";
import { pageModules } from "./pages/index.ts";
import { resourceModules } from "./resources/index.ts";

/**
 * How the emulator's parts are connected. Lower layers (customers, invoices, payment
 * intents) expose hooks so they need not import the layers that react to them
 * (subscriptions, schedules); those reactions are attached here, once, in the order they
 * run — not as a side effect of which file happens to be imported first.
 */
let wired = false;

function wireHooks(): void {
  if (wired) return;
  wired = true;
  // A paid invoice activates its subscription (or ends past_due), then applies the pending
  // update it was created for.
  invoiceHooks.onPaid.push(onInvoicePaid, applyPendingUpdate);
  invoiceHooks.nextAttempt = nextAttempt;
  invoiceHooks.onPaymentFailed.push(onCollectionFailure);
  invoiceHooks.onActionRequired.push(onCollectionFailure);
}

/** Every built-in API and page module, with the hooks between them attached. */
export function builtinModules(): EmulatorModule[] {
  wireHooks();
  return [...resourceModules, ...pageModules];
}
