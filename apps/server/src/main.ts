import { DatabaseUnavailableError } from "./database.ts";
import { EnvError, loadEnv } from "./env.ts";
import { startServer } from "./server.ts";

async function main(): Promise<void> {
  let env;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  const server = await startServer(env);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      server.app.log.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    server.app.log.info(`${signal} received: finishing in-flight requests, then closing`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.app.log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  if (err instanceof DatabaseUnavailableError) {
    console.error(`Folio failed to start: ${err.message}`);
    process.exit(1);
  }
  console.error("Folio failed to start:", err instanceof Error ? err.message : err);
  if (err instanceof Error && !(err.cause instanceof Error)) console.error(err.stack);
  process.exit(1);
});
