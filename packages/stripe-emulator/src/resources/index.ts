import type { EmulatorModule } from "../core/types.ts";
import { billingMetersModule } from "./billing-meters.ts";
import { billingPortalModule } from "./billing-portal.ts";
import { checkoutSessionsModule } from "../checkout/api.ts";
import { chargesModule } from "./charges.ts";
import { couponsModule } from "./coupons.ts";
import { customersModule } from "./customers.ts";
import { paymentIntentsModule } from "./payment-intents.ts";
import { paymentMethodsModule } from "./payment-methods.ts";
import { pricesModule } from "./prices.ts";
import { productsModule } from "./products.ts";
import { setupIntentsModule } from "./setup-intents.ts";
import { eventsModule } from "./events.ts";
import { webhookEndpointsModule } from "./webhook-endpoints.ts";
import { subscriptionsModule } from "./subscriptions/module.ts";
import { subscriptionItemsModule } from "./subscription-items.ts";
import { subscriptionSchedulesModule } from "./subscription-schedules.ts";
import { invoicesModule } from "./invoices/module.ts";
import { testClocksModule } from "./test-clocks.ts";
import { taxIdsModule } from "./tax-ids.ts";
import { taxRatesModule } from "./tax-rates.ts";

/**
 * Every API resource module. To add a resource, create `src/resources/<name>.ts` exporting
 * an `EmulatorModule` and append it here — no core file needs to change.
 */
export const resourceModules: EmulatorModule[] = [
  eventsModule,
  webhookEndpointsModule,
  customersModule,
  productsModule,
  pricesModule,
  couponsModule,
  paymentMethodsModule,
  setupIntentsModule,
  paymentIntentsModule,
  chargesModule,
  checkoutSessionsModule,
  billingPortalModule,
  subscriptionsModule,
  subscriptionItemsModule,
  subscriptionSchedulesModule,
  invoicesModule,
  testClocksModule,
  billingMetersModule,
  taxRatesModule,
  taxIdsModule,
];
