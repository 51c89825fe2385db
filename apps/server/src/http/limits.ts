// Request limits the server enforces and the web client's batch link respects. This module is
// imported by the browser bundle (`@folio/server/limits`), so it holds constants only.

/** Longest /api URL accepted (414 above it); the batch link splits GET batches below it. */
export const MAX_API_URL_LENGTH = 4096;

/** Most procedure calls in one tRPC batch request. */
export const MAX_TRPC_BATCH_SIZE = 16;
