import { parseArgs } from "node:util";
import { DEFAULT_TEST_KEY, startEmulator } from "./emulator.ts";

// The standalone emulator: state in a SQLite file so a restart keeps it.
const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    db: { type: "string" },
    webhook: { type: "string", multiple: true },
    "webhook-secret": { type: "string" },
  },
});

const port = Number(values.port ?? process.env.STRIPE_EMULATOR_PORT ?? 12111);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(
    `Invalid port: ${String(values.port ?? process.env.STRIPE_EMULATOR_PORT)} (use --port 12111)`,
  );
  process.exit(1);
}
const dbPath = values.db ?? process.env.STRIPE_EMULATOR_DB ?? "./.data/stripe-emulator.db";
const secret = values["webhook-secret"] ?? process.env.STRIPE_EMULATOR_WEBHOOK_SECRET;
const webhookUrls =
  values.webhook ??
  (process.env.STRIPE_EMULATOR_WEBHOOK_URL ? [process.env.STRIPE_EMULATOR_WEBHOOK_URL] : []);

const emulator = await startEmulator({
  port,
  host: values.host ?? process.env.STRIPE_EMULATOR_HOST ?? "127.0.0.1",
  dbPath,
  webhookEndpoints: webhookUrls.map((url) => ({ url, ...(secret ? { secret } : {}) })),
});

console.log(`Stripe emulator listening on ${emulator.url}`);
console.log(`  state:     ${dbPath}`);
console.log(`  test key:  ${DEFAULT_TEST_KEY} (any sk_test_… key works)`);
console.log(
  `  SDK:       new Stripe(key, { host: "${emulator.host}", port: ${emulator.port}, protocol: "http" })`,
);
for (const endpoint of emulator.webhookEndpoints) {
  console.log(`  webhook:   ${endpoint.url} (${endpoint.id}, secret ${endpoint.secret})`);
}

const shutdown = () => {
  void emulator.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
