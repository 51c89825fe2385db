import { runUpcoming } from "../../billing/preview.ts";
import {
  runCancelAt,
  runCycle,
  runFinalize,
  runIncompleteExpire,
  runTrialWillEnd,
} from "../../billing/subscriptions/cycle.ts";
import { runOverdue, runRetry } from "../../billing/subscriptions/dunning.ts";
import { runPendingExpire } from "../../billing/subscriptions/pending-update.ts";
import type { EmulatorModule } from "../../core/types.ts";
import { subscriptionRoutes } from "./routes.ts";
import { billingSettingsControl } from "./settings.ts";

/** Subscriptions as an API module, with the billing jobs that drive them over time. */

export const subscriptionsModule: EmulatorModule = {
  name: "subscriptions",
  routes: subscriptionRoutes,
  control: billingSettingsControl,
  jobs: {
    "billing.pending_expire": (ctx, payload) =>
      runPendingExpire(ctx, (payload as { subscription: string }).subscription),
    "billing.cycle": (ctx, payload) => {
      const p = payload as { subscription: string; periodEnd: number };
      runCycle(ctx, p.subscription, p.periodEnd);
    },
    "billing.finalize": (ctx, payload) =>
      runFinalize(ctx, (payload as { invoice: string }).invoice),
    "billing.retry": (ctx, payload) => runRetry(ctx, (payload as { invoice: string }).invoice),
    "billing.overdue": (ctx, payload) => runOverdue(ctx, (payload as { invoice: string }).invoice),
    "billing.trial_will_end": (ctx, payload) => {
      const p = payload as { subscription: string; trialEnd: number };
      runTrialWillEnd(ctx, p.subscription, p.trialEnd);
    },
    "billing.incomplete_expire": (ctx, payload) =>
      runIncompleteExpire(ctx, (payload as { subscription: string }).subscription),
    "billing.cancel_at": (ctx, payload) => {
      const p = payload as { subscription: string; at: number };
      runCancelAt(ctx, p.subscription, p.at);
    },
    "billing.upcoming": (ctx, payload) => {
      const p = payload as { subscription: string; periodEnd: number };
      runUpcoming(ctx, p.subscription, p.periodEnd);
    },
  },
};
