import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ObjectStore } from "./generate.ts";

export interface FakeStripe {
  url: string;
  /** Requests served, by `METHOD /v1/<resource>` (ids stripped). */
  requests: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A read-only stand-in for api.stripe.com during the benchmark: the server under test fetches
 * objects it cannot order by event alone (same-second ties, parents not yet seen). It answers
 * retrieves with each object's latest generated version and lists with an empty page, and counts
 * every request so the report can show how often the sync path had to call Stripe.
 */
export async function startFakeStripe(objects: ObjectStore): Promise<FakeStripe> {
  const requests = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const parts = path.split("/").filter(Boolean);
    const last = parts[parts.length - 1] ?? "";
    const key = `${req.method} /${parts.filter((p) => !/_[A-Za-z0-9]{8,}$/.test(p)).join("/")}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    res.setHeader("content-type", "application/json");
    res.setHeader("request-id", "req_bench");
    const object = objects.get(last);
    if (req.method === "GET" && object) {
      res.end(JSON.stringify(object));
      return;
    }
    if (req.method === "GET" && !/_[A-Za-z0-9]{8,}$/.test(last)) {
      res.end(JSON.stringify({ object: "list", data: [], has_more: false, url: path }));
      return;
    }
    res.statusCode = 404;
    res.end(
      JSON.stringify({
        error: {
          type: "invalid_request_error",
          code: "resource_missing",
          message: `No such object: '${last}'`,
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
