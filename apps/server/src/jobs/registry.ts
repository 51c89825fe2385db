import {
  deliverWebhook,
  expireCreditsJob,
  overageSweepJob,
  pruneJobs,
  pruneWebhookDeliveries,
  pruneWebhookInboxJob,
  rebuildMovementsJob,
  reportOverageJob,
  type JobDefinition,
  type OutboundJobContext,
  type ScheduledJob,
} from "@folio/billing";
import { emailJobs, type EmailJobContext } from "@folio/email";
import { sweepSessionsJob } from "./sweep-sessions.ts";

// Every job kind the server runs, in one place. A job enqueued with a kind missing here is retried
// and then dead-lettered, so add a definition here in the commit that first enqueues it.

/** What jobs run with: @folio/billing's JobContext plus services only the server wires. */
export type ServerJobContext = OutboundJobContext & EmailJobContext;

export const scheduledJobs: readonly ScheduledJob<ServerJobContext>[] = [
  pruneJobs,
  pruneWebhookInboxJob,
  pruneWebhookDeliveries,
  overageSweepJob,
  expireCreditsJob,
  sweepSessionsJob,
];

export const jobDefinitions: readonly JobDefinition<unknown, ServerJobContext>[] = [
  ...scheduledJobs,
  deliverWebhook,
  reportOverageJob,
  rebuildMovementsJob,
  ...emailJobs,
];
