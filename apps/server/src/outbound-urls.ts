import type { UrlPolicy } from "@folio/billing";
import { isDemoMode } from "./demo.ts";
import type { Env } from "./env.ts";

/**
 * Outbound webhook endpoints may point at private or loopback addresses only in demo mode and
 * tests (a receiver on this machine); a real deployment refuses them (see @folio/billing url.ts).
 */
export function webhookUrlPolicy(env: Env): UrlPolicy {
  return { allowPrivate: isDemoMode(env) || env.NODE_ENV === "test" };
}
