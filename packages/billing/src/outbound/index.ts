export {
  DELIVER_WEBHOOK_KIND,
  OUTBOUND_API_VERSION,
  OUTBOUND_EVENT_TYPES,
  emitOutboundEvent,
  outboundEventId,
  type OutboundEvent,
  type OutboundEventType,
} from "./events.ts";
export {
  PREVIOUS_SECRET_GRACE_MS,
  createEndpoint,
  endpointById,
  endpointInput,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
  updateEndpointInput,
  type EndpointDeps,
} from "./endpoints.ts";
export {
  DELIVERY_TIMEOUT_MS,
  WEBHOOK_RETRY,
  deliverWebhook,
  type OutboundJobContext,
} from "./deliver.ts";
export {
  WEBHOOK_DELIVERY_STATUSES,
  deliveryById,
  listDeliveries,
  replayDelivery,
} from "./deliveries.ts";
export { outboundWebhookHook } from "./hook.ts";
export { DELIVERY_RETENTION_MS, pruneWebhookDeliveries } from "./prune.ts";
export { SIGNATURE_HEADER, signatureHeader, verifySignatureHeader } from "./signature.ts";
export { checkEndpointUrl, isPrivateAddress, parseEndpointUrl, type UrlPolicy } from "./url.ts";
