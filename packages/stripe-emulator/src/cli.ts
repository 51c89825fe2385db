import { parseArgs } from "node:util";
import { DEFAULT_TEST_KEY, startEmulator, type StartOptions } from "./emulator.ts";

// The standalone emulator: state in a SQLite file so a restart keeps it.
const USAGE = `Usage: stripe-emulator [--port 12111] [--host 127.0.0.1] [--db ./.data/stripe-emulator.db]
  [--webhook URL]... [--webhook-secret whsec_…] [--webhook-retry-schedule ms,ms,…]
  [--seed N] [--clock ISO-time] [--fixed-clock]`;

// `pnpm start -- --port 4010` runs `tsx src/cli.ts -- --port 4010` under pnpm 10 (it passes
// the `--` on), so a leading `--` is dropped before parsing.
const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === "--" ? argv.slice(1) : argv,
  options: {
    port: { type: "string" },
    host: { type: "string" },
    db: { type: "string" },
    webhook: { type: "string", multiple: true },
    "webhook-secret": { type: "string" },
    "webhook-retry-schedule": { type: "string" },
    seed: { type: "string" },
    clock: { type: "string" },
    "fixed-clock": { type: "boolean" },
    help: { type: "boolean" },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(1);
}

const env = process.env;
const port = Number(values.port ?? env.STRIPE_EMULATOR_PORT ?? 12111);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  fail(`Invalid port: ${values.port ?? env.STRIPE_EMULATOR_PORT ?? ""} (use --port 12111)`);
}
const dbPath = values.db ?? env.STRIPE_EMULATOR_DB ?? "./.data/stripe-emulator.db";
const secret = values["webhook-secret"] ?? env.STRIPE_EMULATOR_WEBHOOK_SECRET;
const webhookUrls =
  values.webhook ?? (env.STRIPE_EMULATOR_WEBHOOK_URL ? [env.STRIPE_EMULATOR_WEBHOOK_URL] : []);
const schedule = values["webhook-retry-schedule"]?.split(",").map(Number);
if (schedule?.some((n) => !Number.isFinite(n) || n < 0)) {
  fail("--webhook-retry-schedule takes comma-separated milliseconds, e.g. 1000,5000,30000");
}
if (values.clock !== undefined && Number.isNaN(new Date(values.clock).getTime())) {
  fail(`Invalid --clock: ${values.clock} (use an ISO time such as 2026-01-01T00:00:00Z)`);
}

const options: StartOptions = {
  port,
  host: values.host ?? env.STRIPE_EMULATOR_HOST ?? "127.0.0.1",
  dbPath,
  webhookEndpoints: webhookUrls.map((url) => ({ url, ...(secret ? { secret } : {}) })),
  ...(schedule ? { webhookRetrySchedule: schedule } : {}),
  ...(values.seed !== undefined ? { deterministic: { seed: values.seed } } : {}),
  ...(values.clock !== undefined || values["fixed-clock"]
    ? {
        clock: {
          ...(values.clock !== undefined ? { start: values.clock } : {}),
          fixed: values["fixed-clock"] ?? false,
        },
      }
    : {}),
};

const emulator = await startEmulator(options).catch((error: unknown) => {
  if ((error as { code?: string }).code === "EADDRINUSE") {
    fail(`Port ${port} is already in use; pass --port <free port> (0 picks one).`);
  }
  throw error;
});

console.log(`Stripe emulator listening on ${emulator.url}`);
console.log(`  state:     ${dbPath}`);
console.log(`  test key:  ${DEFAULT_TEST_KEY} (any sk_test_… key works)`);
console.log(
  `  SDK:       new Stripe(key, { host: "${emulator.host}", port: ${emulator.port}, protocol: "http" })`,
);
console.log(`  dashboard: ${emulator.url}/`);
for (const endpoint of emulator.webhookEndpoints) {
  console.log(`  webhook:   ${endpoint.url} (${endpoint.id}, secret ${endpoint.secret})`);
}

const shutdown = () => {
  void emulator.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
