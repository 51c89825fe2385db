import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Produces Stripe-looking ids (`cus_…`). Seeded mode makes a test run's ids reproducible. */
export interface IdGenerator {
  /** `prefix` without the underscore: `id("cus")` → `cus_Q3x…`. */
  id(prefix: string, length?: number): string;
  /** Random token of base62 characters (client secrets, webhook secrets). */
  token(length: number): string;
}

export function createIdGenerator(seed?: number | string): IdGenerator {
  const next = seed === undefined ? cryptoRandom() : seededRandom(String(seed));
  const token = (length: number): string => {
    let out = "";
    for (let i = 0; i < length; i++) out += ALPHABET[next() % ALPHABET.length];
    return out;
  };
  return {
    id: (prefix, length = 24) => `${prefix}_${token(length)}`,
    token,
  };
}

function cryptoRandom(): () => number {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset >= pool.length) {
      pool = randomBytes(256);
      offset = 0;
    }
    // 248 is the largest multiple of 62 below 256: rejection keeps the distribution uniform.
    const byte = pool[offset++] ?? 0;
    return byte < 248 ? byte : Math.floor(Math.random() * 62);
  };
}

/** sfc32 seeded from an FNV-1a hash of the seed: small, fast, good enough for ids. */
function seededRandom(seed: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  let a = h >>> 0;
  let b = (h ^ 0x9e3779b9) >>> 0;
  let c = (h ^ 0x85ebca6b) >>> 0;
  let d = 1;
  const step = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) step();
  return step;
}
