import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  event: { id: string; type: string; data: { object: Record<string, unknown> } };
  status: number;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Event types received with a 2xx answer, in arrival order. */
  types(): string[];
  waitFor(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A local HTTP endpoint that records webhook deliveries, for tests of the emulator and of
 * apps using it. `respond` picks the status per request (default 200); `delayMs` stalls it.
 */
export async function startWebhookReceiver(
  options: {
    respond?: (event: ReceivedWebhook["event"], attempt: number) => number;
    delayMs?: (event: ReceivedWebhook["event"], attempt: number) => number;
  } = {},
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const attempts = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const event = JSON.parse(body) as ReceivedWebhook["event"];
      const attempt = (attempts.get(event.id) ?? 0) + 1;
      attempts.set(event.id, attempt);
      const status = options.respond?.(event, attempt) ?? 200;
      const delay = options.delayMs?.(event, attempt) ?? 0;
      const finish = () => {
        received.push({ headers: req.headers, body, event, status, at: Date.now() });
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify({ received: true }));
      };
      if (delay > 0) setTimeout(finish, delay);
      else finish();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    types: () => received.filter((r) => r.status < 300).map((r) => r.event.type),
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error("timed out waiting for webhooks");
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
