import type { EmulatorModule } from "../core/types.ts";
import { customersModule } from "./customers.ts";
import { eventsModule } from "./events.ts";
import { webhookEndpointsModule } from "./webhook-endpoints.ts";

/**
 * Every API resource module. To add a resource, create `src/resources/<name>.ts` exporting
 * an `EmulatorModule` and append it here — no core file needs to change.
 */
export const resourceModules: EmulatorModule[] = [
  eventsModule,
  webhookEndpointsModule,
  customersModule,
];
