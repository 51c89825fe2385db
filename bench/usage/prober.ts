import { call } from "./http.ts";

// Entitlement probers of bench:usage, in a process of their own: measured from the load
// generator's event loop, a check also waited for the 32 senders' JSON work (a rate limiter
// lives in the merchant's request path, not in its usage reporter). Started by run.ts with an
// IPC channel: "ready" out once loaded, "start" in, "stop" in; the latencies go out as one message.

export interface ProberConfig {
  port: number;
  key: string;
  ids: string[];
  probes: number;
  /** Pause (ms) between one prober's checks. */
  every: number;
}
export interface ProberResult {
  ms: number[];
  failures: number;
}

const config = JSON.parse(process.argv[2]!) as ProberConfig;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms: number[] = [];
let failures = 0;
let running = true;
const started = new Promise<void>((resolve) =>
  process.on("message", (m) => (m === "start" ? resolve() : (running = false))),
);
process.send!("ready");
await started;

const probe = async (offset: number) => {
  for (let i = offset; running; i++) {
    const t = performance.now();
    const path = `/api/v1/entitlements/${config.ids[(i * 31) % config.ids.length]}`;
    const res = await call(config.port, "GET", path, config.key);
    ms.push(performance.now() - t);
    if (res.status !== 200) failures++;
    await sleep(config.every);
  }
};
await Promise.all(Array.from({ length: config.probes }, (_, n) => probe(n * 7)));
process.send!({ ms, failures } satisfies ProberResult, () => process.disconnect());
