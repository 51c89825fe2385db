// A server process for jobs-restart.test.ts: the real startup (startServer) from the environment,
// with a short job lease (argv[2], ms) so a killed instance's jobs are claimed again quickly.
import { loadEnv } from "../env.ts";
import { startServer } from "../server.ts";

const leaseMs = Number(process.argv[2] ?? 2_000);
const server = await startServer(loadEnv(), {
  print: () => undefined,
  jobWorker: { leaseMs, pollMs: 100 },
});
process.stdout.write(`listening ${server.address} as ${server.holder}\n`);
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
