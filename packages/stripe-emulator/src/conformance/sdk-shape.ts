import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * Top-level keys of an SDK object type, read from the installed `stripe` package's .d.ts
 * (`export interface Customer { … }`, fields at four-space indent). Deriving them keeps the
 * fixture cross-check honest across SDK upgrades instead of a hand-written list drifting.
 */
const require = createRequire(import.meta.url);
const resourcesDir = join(dirname(require.resolve("stripe")), "resources");

function allDts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return allDts(path);
    return entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

let cache: string[] | undefined;

export function sdkKeys(interfaceName: string, fileHint?: string): Set<string> {
  cache ??= allDts(resourcesDir);
  const files = fileHint ? cache.filter((f) => f.includes(fileHint)) : cache;
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const start = text.indexOf(`\nexport interface ${interfaceName} {`);
    if (start < 0) continue;
    const end = text.indexOf("\n}", start + 1);
    const body = text.slice(start, end);
    const keys = new Set<string>();
    for (const m of body.matchAll(/^ {4}(\w+)\??:/gm)) if (m[1]) keys.add(m[1]);
    return keys;
  }
  throw new Error(`interface ${interfaceName} not found in the stripe package`);
}

export function fixture(type: string): Record<string, unknown> {
  const path = join(import.meta.dirname, "stripe-openapi/fixtures3.json");
  const all = JSON.parse(readFileSync(path, "utf8")) as {
    resources: Record<string, Record<string, unknown>>;
  };
  const f = all.resources[type];
  if (!f) throw new Error(`no fixture for ${type}`);
  return f;
}

/** Fixture keys that the current SDK type still has, and that `object` lacks. */
export function missingKeys(
  type: string,
  interfaceName: string,
  object: object,
  fileHint?: string,
): string[] {
  const keys = sdkKeys(interfaceName, fileHint);
  return Object.keys(fixture(type)).filter((k) => keys.has(k) && !(k in object));
}
