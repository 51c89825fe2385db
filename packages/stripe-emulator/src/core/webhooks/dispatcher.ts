import type Stripe from "stripe";
import type { Statement } from "better-sqlite3";
import type { Store } from "../store.ts";
import { FaultRules } from "./faults.ts";
import { postSigned } from "./http.ts";
import type { Delivery, DeliveryAttempt, DeliveryRow, FaultRule, WebhookOptions } from "./types.ts";

/**
 * Delivers events to webhook endpoints from the `deliveries` table, so a restart resumes
 * pending work. Attempts run on wall-clock time (retries are about the network, not about
 * the emulator clock) and signatures use the real time so receivers' tolerance checks pass.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private readonly inFlight = new Set<string>();
  /** Deliveries in flight per endpoint (at most `concurrency`; 1 keeps event order unless a fault says otherwise). */
  private readonly busyEndpoints = new Map<string, number>();
  private readonly delayed = new Set<string>();
  private readonly reordered = new Set<string>();
  private readonly held = new Map<string, string[]>();
  private readonly faults = new FaultRules();
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  /** Prepared once: a delivery runs several statements, and a seeded demo makes thousands. */
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly store: Store,
    private readonly options: WebhookOptions,
    private readonly renderEvent: (eventId: string) => Stripe.Event | undefined,
  ) {}

  private sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.store.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Called inside the emitting transaction: one pending row per matching endpoint. */
  createDeliveries(
    event: { id: string; type: string },
    endpoints: { id: string }[],
    newId: () => string,
  ): number {
    const now = Date.now();
    const insert = this.sql(
      "INSERT INTO deliveries (id, event_id, endpoint_id, status, next_attempt_at_ms, created_ms) VALUES (?, ?, ?, 'pending', ?, ?)",
    );
    for (const endpoint of endpoints) insert.run(newId(), event.id, endpoint.id, now, now);
    return endpoints.length;
  }

  /** Number of deliveries for an event not (yet) successful: Stripe's `pending_webhooks`. */
  pendingFor(eventId: string): number {
    const row = this.sql(
      "SELECT COUNT(*) AS n FROM deliveries WHERE event_id = ? AND status != 'succeeded'",
    ).get(eventId) as { n: number };
    return row.n;
  }

  /** Wake the worker (after a commit). */
  kick(): void {
    if (this.stopped) return;
    this.armTimer(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  addFault(rule: Omit<FaultRule, "id">): FaultRule {
    return this.faults.add(rule);
  }

  listFaults(): FaultRule[] {
    return this.faults.list();
  }

  clearFaults(): void {
    this.faults.clear();
    this.releaseAllHeld();
  }

  reset(): void {
    this.clearFaults();
    this.delayed.clear();
    this.reordered.clear();
  }

  /** Resolves once nothing is pending or in flight, or after `timeoutMs`. */
  async flush(timeoutMs = 10_000): Promise<{ idle: boolean; pending: number }> {
    const deadline = Date.now() + timeoutMs;
    this.kick();
    while (!this.isIdle()) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      // Held (reorder) deliveries would wait forever with nothing behind them.
      if (this.inFlight.size === 0 && this.held.size > 0 && this.duePendingCount() === 0) {
        this.releaseAllHeld();
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 20));
        this.idleWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return { idle: this.isIdle(), pending: this.pendingCount() };
  }

  redeliver(id: string): Delivery | undefined {
    const row = this.sql("SELECT id FROM deliveries WHERE id = ?").get(id);
    if (!row) return undefined;
    this.sql("UPDATE deliveries SET status = 'pending', next_attempt_at_ms = ? WHERE id = ?").run(
      Date.now(),
      id,
    );
    this.kick();
    return this.getDelivery(id);
  }

  getDelivery(id: string): Delivery | undefined {
    const row = this.sql("SELECT * FROM deliveries WHERE id = ?").get(id) as
      DeliveryRow | undefined;
    return row ? this.toDelivery(row) : undefined;
  }

  listDeliveries(filter: { event?: string; endpoint?: string; status?: string } = {}): Delivery[] {
    const clauses: string[] = [];
    const args: string[] = [];
    if (filter.event) {
      clauses.push("event_id = ?");
      args.push(filter.event);
    }
    if (filter.endpoint) {
      clauses.push("endpoint_id = ?");
      args.push(filter.endpoint);
    }
    if (filter.status) {
      clauses.push("status = ?");
      args.push(filter.status);
    }
    const where = clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
    const rows = this.sql(`SELECT * FROM deliveries ${where} ORDER BY seq ASC`).all(
      ...args,
    ) as DeliveryRow[];
    return rows.map((r) => this.toDelivery(r));
  }

  /** Secrets valid now for an endpoint, newest first. */
  activeSecrets(endpointId: string): string[] {
    const rows = this.sql(
      "SELECT secret FROM webhook_secrets WHERE endpoint_id = ? AND (expires_at_ms IS NULL OR expires_at_ms > ?) ORDER BY expires_at_ms IS NULL DESC, expires_at_ms DESC",
    ).all(endpointId, Date.now()) as { secret: string }[];
    return rows.map((r) => r.secret);
  }

  addSecret(endpointId: string, secret: string): void {
    this.sql(
      "INSERT INTO webhook_secrets (endpoint_id, secret, expires_at_ms) VALUES (?, ?, NULL)",
    ).run(endpointId, secret);
  }

  /** New secret; the current ones stay valid for `graceMs` (Stripe's "expire old secret in …"). */
  rollSecret(endpointId: string, newSecret: string, graceMs = this.options.rollGraceMs): void {
    const expires = Date.now() + graceMs;
    this.sql(
      "UPDATE webhook_secrets SET expires_at_ms = ? WHERE endpoint_id = ? AND (expires_at_ms IS NULL OR expires_at_ms > ?)",
    ).run(expires, endpointId, expires);
    this.addSecret(endpointId, newSecret);
  }

  private toDelivery(row: DeliveryRow): Delivery {
    const event = this.store.get(row.event_id);
    const endpoint = this.store.get(row.endpoint_id);
    return {
      id: row.id,
      event_id: row.event_id,
      event_type: typeof event?.type === "string" ? event.type : "",
      endpoint_id: row.endpoint_id,
      url: typeof endpoint?.url === "string" ? endpoint.url : "",
      status: row.status,
      attempts: row.attempts,
      next_attempt_at:
        row.status === "pending" && row.next_attempt_at_ms !== null
          ? new Date(row.next_attempt_at_ms).toISOString()
          : null,
      created: new Date(row.created_ms).toISOString(),
      log: JSON.parse(row.log) as DeliveryAttempt[],
    };
  }

  private pendingCount(): number {
    return (
      this.sql("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'pending'").get() as {
        n: number;
      }
    ).n;
  }

  private duePendingCount(): number {
    const rows = this.sql(
      "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at_ms <= ?",
    ).all(Date.now()) as { id: string }[];
    return rows.filter((r) => !this.isHeld(r.id) && !this.inFlight.has(r.id)).length;
  }

  private release(endpointId: string): void {
    const busy = (this.busyEndpoints.get(endpointId) ?? 1) - 1;
    if (busy > 0) this.busyEndpoints.set(endpointId, busy);
    else this.busyEndpoints.delete(endpointId);
  }

  private endpointCount(): number {
    const row = this.sql(
      "SELECT COUNT(*) AS n FROM objects WHERE type = 'webhook_endpoint'",
    ).get() as { n: number };
    return row.n;
  }

  private isIdle(): boolean {
    return (
      this.inFlight.size === 0 &&
      this.sql("SELECT 1 FROM deliveries WHERE status = 'pending' LIMIT 1").get() === undefined
    );
  }

  private isHeld(id: string): boolean {
    for (const ids of this.held.values()) if (ids.includes(id)) return true;
    return false;
  }

  private armTimer(delayMs: number): void {
    const at = Date.now() + Math.max(0, delayMs);
    if (this.timer && at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(0, delayMs),
    );
    this.timer.unref();
  }

  private pump(): void {
    if (this.stopped || !this.store.db.open) return;
    const now = Date.now();
    const due = this.sql(
      "SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at_ms <= ? ORDER BY seq ASC",
    ).iterate(now) as IterableIterator<DeliveryRow>;
    // At most `concurrency` deliveries in flight per endpoint: once every endpoint is full, the
    // rest of the queue (thousands of rows while a demo is seeded) need not be read.
    const endpoints = this.endpointCount();
    const limit = this.options.concurrency ?? 1;
    const rows: DeliveryRow[] = [];
    const claimed = new Map(this.busyEndpoints);
    let full = [...claimed.values()].filter((n) => n >= limit).length;
    for (const row of due) {
      if (full >= endpoints) break;
      if (this.inFlight.has(row.id) || this.isHeld(row.id)) continue;
      const busy = claimed.get(row.endpoint_id) ?? 0;
      if (busy >= limit) continue;
      claimed.set(row.endpoint_id, busy + 1);
      if (busy + 1 >= limit) full += 1;
      rows.push(row);
    }
    // Started after the scan: a delivery that fails at once writes to the table.
    for (const row of rows) this.start(row);
    // A delivery that did not go out (held by a reorder fault, dropped, delayed, or failed at
    // once) frees its endpoint for the next one; nothing else would wake the pump for it.
    if (rows.some((row) => !this.inFlight.has(row.id))) this.armTimer(0);
    const next = this.sql(
      "SELECT MIN(next_attempt_at_ms) AS at FROM deliveries WHERE status = 'pending' AND next_attempt_at_ms > ?",
    ).get(now) as { at: number | null };
    if (next.at !== null) this.armTimer(next.at - now);
    this.notifyIfIdle();
  }

  private start(row: DeliveryRow): void {
    const event = this.renderEvent(row.event_id);
    const endpoint = this.store.get(row.endpoint_id);
    if (!event || !endpoint || typeof endpoint.url !== "string") {
      this.finish(row, "failed", { status: null, error: "event or endpoint no longer exists" });
      return;
    }
    const fault = this.faults.take(
      { eventType: event.type, endpointId: row.endpoint_id, endpointUrl: endpoint.url },
      { delayed: this.delayed.has(row.id), reordered: this.reordered.has(row.id) },
    );
    if (fault?.action === "drop") {
      this.finish(row, "dropped", { status: null, error: null, note: "dropped by fault rule" });
      return;
    }
    if (fault?.action === "delay") {
      this.delayed.add(row.id);
      const at = Date.now() + (fault.delayMs ?? 1000);
      this.sql("UPDATE deliveries SET next_attempt_at_ms = ? WHERE id = ?").run(at, row.id);
      this.armTimer(at - Date.now());
      return;
    }
    if (fault?.action === "reorder") {
      // Held until the next delivery to this endpoint has been sent.
      this.reordered.add(row.id);
      const ids = this.held.get(row.endpoint_id) ?? [];
      ids.push(row.id);
      this.held.set(row.endpoint_id, ids);
      return;
    }
    this.inFlight.add(row.id);
    this.busyEndpoints.set(row.endpoint_id, (this.busyEndpoints.get(row.endpoint_id) ?? 0) + 1);
    const copies = fault?.action === "duplicate" ? 2 : 1;
    this.send(row, endpoint.url, event, copies).catch((error: unknown) => {
      // Only reachable when the store closed mid-flight (stop/reset); nothing to record.
      this.inFlight.delete(row.id);
      this.release(row.endpoint_id);
      if (!this.stopped) console.error("[stripe-emulator] webhook delivery failed:", error);
    });
  }

  private async send(
    row: DeliveryRow,
    url: string,
    event: Stripe.Event,
    copies: number,
  ): Promise<void> {
    const results: DeliveryAttempt[] = [];
    for (let i = 0; i < copies; i++) results.push(await this.post(row.endpoint_id, url, event));
    this.inFlight.delete(row.id);
    this.release(row.endpoint_id);
    if (!this.store.db.open || this.stopped) return;
    const ok = results.some((r) => r.status !== null && r.status >= 200 && r.status < 300);
    const current = this.sql("SELECT * FROM deliveries WHERE id = ?").get(row.id) as
      DeliveryRow | undefined;
    if (!current) return;
    const log = (JSON.parse(current.log) as DeliveryAttempt[]).concat(
      results.map((r, i) => (copies > 1 ? { ...r, note: `duplicate ${i + 1}/${copies}` } : r)),
    );
    const attempts = current.attempts + 1;
    if (ok) {
      this.sql(
        "UPDATE deliveries SET status = 'succeeded', attempts = ?, next_attempt_at_ms = NULL, log = ? WHERE id = ?",
      ).run(attempts, JSON.stringify(log), row.id);
    } else {
      const wait = this.options.retryScheduleMs[attempts - 1];
      if (wait === undefined) {
        this.sql(
          "UPDATE deliveries SET status = 'failed', attempts = ?, next_attempt_at_ms = NULL, log = ? WHERE id = ?",
        ).run(attempts, JSON.stringify(log), row.id);
      } else {
        const at = Date.now() + wait;
        this.sql(
          "UPDATE deliveries SET attempts = ?, next_attempt_at_ms = ?, log = ? WHERE id = ?",
        ).run(attempts, at, JSON.stringify(log), row.id);
        this.armTimer(wait);
      }
    }
    this.releaseHeld(row.endpoint_id);
    // Whatever queued behind this endpoint can go now.
    this.armTimer(0);
    this.notifyIfIdle();
  }

  private async post(
    endpointId: string,
    url: string,
    event: Stripe.Event,
  ): Promise<DeliveryAttempt> {
    if (this.stopped || !this.store.db.open) {
      return {
        at: new Date().toISOString(),
        status: null,
        error: "emulator stopped",
        durationMs: 0,
      };
    }
    const payload = JSON.stringify(
      { ...event, pending_webhooks: this.pendingFor(event.id) },
      null,
      2,
    );
    return postSigned(url, payload, this.activeSecrets(endpointId), this.options.timeoutMs);
  }

  private finish(
    row: DeliveryRow,
    status: Delivery["status"],
    attempt: Omit<DeliveryAttempt, "at" | "durationMs">,
  ): void {
    const current = this.sql("SELECT log FROM deliveries WHERE id = ?").get(row.id) as
      { log: string } | undefined;
    const log = (JSON.parse(current?.log ?? "[]") as DeliveryAttempt[]).concat({
      ...attempt,
      at: new Date().toISOString(),
      durationMs: 0,
    });
    this.sql(
      "UPDATE deliveries SET status = ?, next_attempt_at_ms = NULL, log = ? WHERE id = ?",
    ).run(status, JSON.stringify(log), row.id);
    this.notifyIfIdle();
  }

  private releaseHeld(endpointId: string): void {
    const ids = this.held.get(endpointId);
    if (!ids) return;
    this.held.delete(endpointId);
    if (ids.length) this.armTimer(0);
  }

  private releaseAllHeld(): void {
    if (this.held.size === 0) return;
    this.held.clear();
    this.armTimer(0);
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
