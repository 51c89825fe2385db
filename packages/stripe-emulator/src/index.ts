export { startEmulator, DEFAULT_TEST_KEY } from "./emulator.ts";
export type { EmulatorHandle, StartOptions, WebhookEndpointOption } from "./emulator.ts";
export { EmulatorCore, DEFAULT_API_VERSION } from "./core/emulator.ts";
export { ApiError } from "./core/errors.ts";
export { signPayload } from "./core/webhooks/http.ts";
export type { Delivery, FaultRule } from "./core/webhooks/types.ts";
export type * from "./core/types.ts";
export type { BillingSettings } from "./billing/settings.ts";
export { payCheckoutPage } from "./pages/form-client.ts";
export type {
  CheckoutShippingAddress,
  PageResult,
  PayCheckoutOptions,
} from "./pages/form-client.ts";
