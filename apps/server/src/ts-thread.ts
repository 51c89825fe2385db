import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/** tsx's ESM register API, resolved through its package exports (the `import` condition). */
function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const target = pkg.exports["./esm/api"]?.import?.default;
  if (!target) throw new Error("tsx does not export ./esm/api; cannot start a worker thread");
  return pathToFileURL(join(dirname(pkgPath), target)).href;
}

/**
 * A worker thread running the TypeScript module `entry`, loaded like the main thread's sources:
 * tsx's loader is registered in the thread first (execArgv `--import` is not honoured by worker
 * threads on Node 20).
 */
export function startTsThread(entry: URL, workerData: unknown): Worker {
  const boot = `import(${JSON.stringify(tsxEsmApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
