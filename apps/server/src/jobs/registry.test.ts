import { EMAIL_PAYLOADS, emailJobKind, expireCreditsJob, type EmailKind } from "@folio/billing";
import { describe, expect, it } from "vitest";
import { jobDefinitions, scheduledJobs } from "./registry.ts";

// A job enqueued with a kind the registry lacks is retried and then dead-lettered; a scheduled job
// missing from `scheduledJobs` is never queued (startJobs queues each one's next slot).

describe("job registry", () => {
  it("runs every e-mail kind billing can enqueue", () => {
    const kinds = new Set(jobDefinitions.map((d) => d.kind));
    const missing = (Object.keys(EMAIL_PAYLOADS) as EmailKind[])
      .map(emailJobKind)
      .filter((k) => !kinds.has(k));
    expect(missing).toEqual([]);
  });

  it("schedules the hourly credit expiry", () => {
    expect(scheduledJobs).toContain(expireCreditsJob);
    expect(expireCreditsJob.nextRunAt(new Date("2026-06-01T10:20:00Z")).toISOString()).toBe(
      "2026-06-01T11:00:00.000Z",
    );
  });
});
