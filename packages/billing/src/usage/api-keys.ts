import { createHash, randomBytes } from "node:crypto";
import {
  API_KEY_SCOPES,
  apiKeys,
  users,
  withTransaction,
  type ApiKeyScope,
  type Db,
} from "@folio/db";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import { statements } from "./statements.ts";
import type { StaffActor } from "../admin/approvals/policy.ts";
import { audit } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";

// Server-side keys for the usage API. The key is shown once, when it is made; only its SHA-256
// is stored (a key is 32 random bytes, so a fast hash is enough — nothing to brute-force).

const KEY_PREFIX = "folio_sk_";
/** How much of the key lists show: enough to tell keys apart, far too little to use. */
const SHOWN = KEY_PREFIX.length + 6;
/** last_used_at is written at most this often per key (it is a hint, not an audit trail). */
const LAST_USED_RESOLUTION_MS = 60_000;

export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, { message: "Name the key (where it is used)." }).max(100),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1, { message: "Choose at least one scope." })
    .transform((s) => [...new Set(s)]),
});

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdBy: { id: string; name: string } | null;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

interface StaffDeps {
  db: Db;
  clock: Clock;
  actor: StaffActor;
}

/** Makes a key; the returned `key` is the only time anyone sees it. Audited. */
export async function createApiKey(
  deps: StaffDeps,
  raw: z.input<typeof createApiKeyInput>,
): Promise<{ key: string; apiKey: ApiKeyView }> {
  const input = createApiKeyInput.parse(raw);
  const now = deps.clock.now();
  const key = KEY_PREFIX + randomBytes(32).toString("base64url");
  const row = {
    id: `key_${randomBytes(12).toString("hex")}`,
    name: input.name,
    prefix: key.slice(0, SHOWN),
    secretHash: hashApiKey(key),
    scopes: input.scopes,
    createdBy: deps.actor.userId,
    createdAt: now,
  };
  await withTransaction(deps.db, async (tx) => {
    await tx.insert(apiKeys).values(row);
    await audit(tx, deps.actor, {
      action: "api_key.created",
      target: `api_key:${row.id}`,
      after: { name: row.name, prefix: row.prefix, scopes: row.scopes },
      at: now,
    });
  });
  const [view] = await listApiKeys(deps.db, row.id);
  return { key, apiKey: view! };
}

/** Every key (or one), newest first; never the hash. */
export async function listApiKeys(db: Db, id?: string): Promise<ApiKeyView[]> {
  const rows = await db
    .select({ k: apiKeys, creatorName: users.name })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(id === undefined ? undefined : eq(apiKeys.id, id))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(500);
  return rows.map(({ k, creatorName }) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdBy: k.createdBy && creatorName !== null ? { id: k.createdBy, name: creatorName } : null,
    createdAt: k.createdAt,
    revokedAt: k.revokedAt,
    lastUsedAt: k.lastUsedAt,
  }));
}

/** Revokes a key at once (the next request with it is refused). Revoking twice is a no-op. Audited. */
export async function revokeApiKey(deps: StaffDeps, id: string): Promise<ApiKeyView> {
  const now = deps.clock.now();
  await withTransaction(deps.db, async (tx) => {
    const key = await tx.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
    if (!key) throw new DomainError("NOT_FOUND", "No such API key.");
    if (key.revokedAt !== null) return;
    await tx
      .update(apiKeys)
      .set({ revokedAt: now, revokedBy: deps.actor.userId })
      .where(eq(apiKeys.id, id));
    await audit(tx, deps.actor, {
      action: "api_key.revoked",
      target: `api_key:${id}`,
      before: { revokedAt: null },
      after: { revokedAt: now.toISOString() },
      at: now,
    });
  });
  return (await listApiKeys(deps.db, id))[0]!;
}

export type ApiKeyCheck =
  | { ok: true; id: string; scopes: ApiKeyScope[] }
  | { ok: false; status: 401 | 403; message: string };

/**
 * Checks a presented key for `scope`: one indexed read by hash. Unknown and revoked keys are
 * 401 (with different words, so a merchant can tell a typo from a revocation); a key without
 * the scope is 403.
 */
export async function authenticateApiKey(
  { db, clock }: { db: Db; clock: Clock },
  presented: string,
  scope: ApiKeyScope,
): Promise<ApiKeyCheck> {
  const [key] = await statements(db).apiKeyByHash.all({ hash: hashApiKey(presented) });
  if (!key) return { ok: false, status: 401, message: "The API key is not valid." };
  if (key.revokedAt !== null) {
    return {
      ok: false,
      status: 401,
      message: "This API key was revoked. Ask an admin for a new one.",
    };
  }
  if (!key.scopes.includes(scope)) {
    return { ok: false, status: 403, message: `This API key lacks the ${scope} scope.` };
  }
  const now = clock.now();
  if (
    key.lastUsedAt === null ||
    now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS
  ) {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(
        and(eq(apiKeys.id, key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale))),
      );
  }
  return { ok: true, id: key.id, scopes: key.scopes };
}
