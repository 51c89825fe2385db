/** What webhook deliveries are made of: endpoints' attempts, fault rules, options. */

/** Stripe's schedule is roughly exponential over three days; tests compress it to ms. */
export const DEFAULT_RETRY_SCHEDULE_MS = [
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  12 * 3_600_000,
  24 * 3_600_000,
];

export interface FaultRule {
  id: string;
  match: { type?: string; endpoint?: string };
  action: "drop" | "duplicate" | "delay" | "reorder";
  /** How many deliveries the rule still applies to; undefined = unlimited. */
  count?: number;
  delayMs?: number;
}

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  error: string | null;
  durationMs: number;
  note?: string;
  /** First 500 characters of the endpoint's answer, for debugging. */
  response?: string;
}

export interface Delivery {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  url: string;
  status: "pending" | "succeeded" | "failed" | "dropped";
  attempts: number;
  next_attempt_at: string | null;
  created: string;
  log: DeliveryAttempt[];
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  status: Delivery["status"];
  attempts: number;
  next_attempt_at_ms: number | null;
  created_ms: number;
  log: string;
}

export interface WebhookOptions {
  retryScheduleMs: number[];
  timeoutMs: number;
  /** Default grace period for the previous secret after a roll. */
  rollGraceMs: number;
  /**
   * Deliveries in flight per endpoint (default 1, so arrival order follows event order). Stripe
   * itself delivers concurrently and does not guarantee order; more keeps a busy receiver fed.
   */
  concurrency?: number;
}
