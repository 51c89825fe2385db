import type Stripe from "stripe";
import { escapeHtml } from "../core/http.ts";
import type { StoredObject } from "../core/store.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";

/**
 * `GET /`: what is running and what just happened — connection details, the clock (with
 * advance buttons), webhook endpoints, recent API requests, events and deliveries.
 */

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;background:#f6f8fa;color:#1f2328}
header{background:#1f2328;color:#fff;padding:1rem 2rem}header h1{margin:0;font-size:1.2rem;overflow-wrap:anywhere}
main{padding:1rem 2rem;display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(28rem,100%),1fr))}
@media (max-width:480px){header{padding:1rem}main{padding:1rem .75rem}}
section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem;min-width:0}
.scroll{overflow-x:auto}.scroll:focus-visible{outline:2px solid #0969da;outline-offset:2px}
h2{font-size:1rem;margin:0 0 .5rem}table{border-collapse:collapse;width:100%;font-size:.85rem}
td,th{text-align:left;vertical-align:top;padding:.25rem .5rem;border-bottom:1px solid #eaeef2;white-space:nowrap}
.id{white-space:normal;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
code{background:#eaeef2;padding:.1rem .3rem;border-radius:4px}.ok{color:#1a7f37}.bad{color:#cf222e}
button{font:inherit;padding:.3rem .7rem;border-radius:6px;border:1px solid #d0d7de;background:#fff;cursor:pointer}`;

function time(unix: number): string {
  return new Date(unix * 1000).toISOString().replace("T", " ").replace(".000Z", "Z");
}

function statusClass(status: number | string): string {
  if (typeof status === "number") return status < 300 ? "ok" : "bad";
  return status === "succeeded" ? "ok" : status === "pending" ? "" : "bad";
}

/**
 * A titled table in a box that scrolls sideways on a narrow screen; the box is a named, focusable
 * region so the hidden columns can be reached with the keyboard.
 */
function table(key: string, title: string, columns: string[], body: string): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  return `<section><h2 id="${key}-title">${escapeHtml(title)}</h2>
<div class="scroll" tabindex="0" role="region" aria-labelledby="${key}-title"><table><tr>${head}</tr>
${body}</table></div></section>`;
}

function render(ctx: Ctx): string {
  const core = ctx.core;
  const now = core.now();
  const endpoints = ctx.store.list<Stripe.WebhookEndpoint & StoredObject>("webhook_endpoint");
  const events = ctx.store
    .list<StoredObject & { type: string; created: number }>("event")
    .slice(0, 25);
  const deliveries = core.webhooks.listDeliveries().slice(-25).reverse();
  const requests = [...core.requestLog].reverse().slice(0, 25);
  const jobs = core.listJobs().slice(0, 15);
  const host = new URL(ctx.baseUrl);
  const id = (text: string) => `<span class="id">${escapeHtml(text)}</span>`;
  const rows = <T>(items: T[], cells: (item: T) => string[], empty: string) =>
    items.length === 0
      ? `<tr><td>${escapeHtml(empty)}</td></tr>`
      : items
          .map(
            (i) =>
              `<tr>${cells(i)
                .map((c) => `<td>${c}</td>`)
                .join("")}</tr>`,
          )
          .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Stripe emulator</title><style>${STYLE}</style></head><body>
<header><h1>Stripe emulator · ${escapeHtml(ctx.baseUrl)}</h1></header><main>
<section><h2>Connect</h2>
<p>Any <code>sk_test_…</code> key works.</p>
<pre><code>new Stripe("sk_test_emulator", { host: "${escapeHtml(host.hostname)}", port: ${escapeHtml(host.port || "80")}, protocol: "http" })</code></pre>
<p>API version <code>${escapeHtml(core.apiVersion)}</code> · control API under <code>/_emulator/</code></p></section>
<section><h2>Clock</h2><p data-testid="clock">${escapeHtml(time(now))} ${core.clock.fixed ? "(fixed)" : "(real time + offset)"}</p>
<form method="post" action="/_dashboard/clock">
<button name="advance" value="3600">+1 hour</button> <button name="advance" value="86400">+1 day</button>
<button name="advance" value="604800">+1 week</button> <button name="advance" value="2678400">+31 days</button></form></section>
${table(
  "jobs",
  "Scheduled jobs",
  ["runs at", "job", "clock"],
  rows(
    jobs,
    (j) => [escapeHtml(time(j.run_at)), escapeHtml(j.kind), j.clock_id ? id(j.clock_id) : "global"],
    "Nothing scheduled.",
  ),
)}
${table(
  "endpoints",
  "Webhook endpoints",
  ["id", "url", "events", "status"],
  rows(
    endpoints,
    (e) => [id(e.id), id(e.url), id(e.enabled_events.join(", ")), escapeHtml(e.status)],
    "No endpoints registered.",
  ),
)}
${table(
  "requests",
  "Recent requests",
  ["at", "request", "status", "ms"],
  rows(
    requests,
    (r) => [
      escapeHtml(r.at.slice(11, 19)),
      `${escapeHtml(r.method)} ${escapeHtml(r.path)}${r.replayed ? " (replayed)" : ""}`,
      `<span class="${statusClass(r.status)}">${r.status}</span>${r.error ? ` ${escapeHtml(r.error.slice(0, 80))}` : ""}`,
      String(r.durationMs),
    ],
    "No requests yet.",
  ),
)}
${table(
  "events",
  "Recent events",
  ["created", "type", "id"],
  rows(
    events,
    (e) => [escapeHtml(time(e.created)), escapeHtml(e.type), id(e.id)],
    "No events yet.",
  ),
)}
${table(
  "deliveries",
  "Recent deliveries",
  ["event", "endpoint", "status", "attempts"],
  rows(
    deliveries,
    (d) => [
      escapeHtml(d.event_type),
      id(d.url),
      `<span class="${statusClass(d.status)}">${escapeHtml(d.status)}</span>`,
      String(d.attempts),
    ],
    "No deliveries yet.",
  ),
)}
</main></body></html>`;
}

export const dashboardPages: EmulatorModule = {
  name: "dashboard",
  pages: [
    { method: "GET", path: "/", handler: (ctx) => ({ html: render(ctx) }) },
    {
      method: "POST",
      path: "/_dashboard/clock",
      handler: (ctx, req) => {
        const seconds = Number(req.form.advance);
        if (Number.isInteger(seconds) && seconds > 0) {
          // Clock moves run their own per-job transactions; defer until this one commits.
          const target = ctx.core.now() + seconds;
          setImmediate(() => ctx.core.advanceClockTo(target));
        }
        return { redirect: "/" };
      },
    },
  ],
};
