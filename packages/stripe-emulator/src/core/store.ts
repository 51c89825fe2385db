import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/** Any Stripe object the emulator stores: it has an id and an `object` type name. */
export interface StoredObject {
  id: string;
  object: string;
  created?: number;
  [key: string]: unknown;
}

export interface ListQuery<T> {
  /** Only objects whose `customer` field is this id (indexed). */
  customer?: string;
  /** `created` bounds in unix seconds (inclusive/exclusive like Stripe's `created[gte]`…). */
  created?: RangeFilter;
  /** Any further filter, applied in JS after the indexed ones. */
  where?: (object: T) => boolean;
}

export interface RangeFilter {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS objects (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  customer TEXT,
  created INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS objects_type_created ON objects (type, created DESC, seq DESC);
CREATE INDEX IF NOT EXISTS objects_customer ON objects (customer, type);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  headers TEXT NOT NULL,
  body TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_secrets (
  endpoint_id TEXT NOT NULL,
  secret TEXT NOT NULL,
  expires_at_ms INTEGER,
  PRIMARY KEY (endpoint_id, secret)
);
CREATE TABLE IF NOT EXISTS deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  event_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms INTEGER,
  created_ms INTEGER NOT NULL,
  log TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS deliveries_event ON deliveries (event_id);
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (status) WHERE status = 'pending';
-- The dispatcher walks pending deliveries in order and stops at the first one per endpoint, and
-- asks when the next retry is due: both stay cheap with thousands pending (a seeded demo).
CREATE INDEX IF NOT EXISTS deliveries_pending_seq ON deliveries (seq) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_pending_due ON deliveries (next_attempt_at_ms) WHERE status = 'pending';
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  run_at INTEGER NOT NULL,
  clock_id TEXT,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'scheduled'
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (clock_id, run_at) WHERE status = 'scheduled';
CREATE TABLE IF NOT EXISTS private (
  id TEXT PRIMARY KEY,
  data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/**
 * SQLite-backed object store. Objects live as JSON by id, with `type`, `customer` and
 * `created` columns for the filters every list endpoint needs. All writes happen inside
 * the request transaction opened by the server (see `Store.transaction`).
 */
export class Store {
  readonly db: Database.Database;

  constructor(path = ":memory:") {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Drops every object, event, key, delivery and job (control API `reset`). */
  reset(): void {
    this.db.exec(
      "DELETE FROM objects; DELETE FROM idempotency_keys; DELETE FROM webhook_secrets; DELETE FROM deliveries; DELETE FROM jobs; DELETE FROM meta; DELETE FROM private;",
    );
  }

  get<T extends object = StoredObject>(id: string): T | undefined {
    const row = this.db.prepare("SELECT data FROM objects WHERE id = ?").get(id) as
      { data: string } | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  /** The object if it exists and has the given `object` type. */
  getTyped<T extends object = StoredObject>(type: string, id: string): T | undefined {
    const row = this.db
      .prepare("SELECT data FROM objects WHERE id = ? AND type = ?")
      .get(id, type) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  insert<T extends object>(object: T): T {
    const o = object as unknown as StoredObject;
    this.db
      .prepare("INSERT INTO objects (id, type, customer, created, data) VALUES (?, ?, ?, ?, ?)")
      .run(o.id, o.object, customerOf(o), o.created ?? 0, JSON.stringify(object));
    return object;
  }

  /** Replaces the stored JSON; the object must exist. */
  update<T extends object>(object: T): T {
    const o = object as unknown as StoredObject;
    const result = this.db
      .prepare("UPDATE objects SET data = ?, customer = ? WHERE id = ?")
      .run(JSON.stringify(object), customerOf(o), o.id);
    if (result.changes !== 1) throw new Error(`update of unknown object ${o.id}`);
    return object;
  }

  delete(id: string): void {
    this.db.prepare("DELETE FROM objects WHERE id = ?").run(id);
  }

  /** Objects of one type, newest first (created desc, then insertion order desc). */
  list<T extends object = StoredObject>(type: string, query: ListQuery<T> = {}): T[] {
    const { sql, args } = indexedFilter(type, query);
    const rows = this.db
      .prepare(`SELECT data FROM objects WHERE ${sql} ORDER BY created DESC, seq DESC`)
      .all(...args) as { data: string }[];
    const objects = rows.map((r) => JSON.parse(r.data) as T);
    return query.where ? objects.filter(query.where) : objects;
  }

  /**
   * One page of `list`, as Stripe pages: `startingAfter` → the objects after that one,
   * `endingBefore` → those just before it; `hasMore` in the direction of travel. Reads rows
   * in growing chunks and stops once the page is full, so the first page of thousands of
   * events costs a few rows, not all of them. A cursor filtered out of the list still
   * places the page (by its position among all objects of the type); null when it is not
   * an object of this type.
   */
  page<T extends object = StoredObject>(
    type: string,
    query: ListQuery<T>,
    page: { limit: number; startingAfter?: string | undefined; endingBefore?: string | undefined },
  ): { data: T[]; hasMore: boolean } | null {
    const cursorId = page.endingBefore ?? page.startingAfter;
    const backwards = page.endingBefore !== undefined;
    let at: { created: number; seq: number } | undefined;
    if (cursorId !== undefined) {
      at = this.db
        .prepare("SELECT created, seq FROM objects WHERE id = ? AND type = ?")
        .get(cursorId, type) as { created: number; seq: number } | undefined;
      if (!at) return null;
    }
    const { sql, args } = indexedFilter(type, query);
    const [cmp, order] = backwards ? [">", "ASC"] : ["<", "DESC"];
    const select = (after: boolean) =>
      this.db.prepare(
        `SELECT data, created, seq FROM objects WHERE ${sql}` +
          (after ? ` AND (created ${cmp} ? OR (created = ? AND seq ${cmp} ?))` : "") +
          ` ORDER BY created ${order}, seq ${order} LIMIT ?`,
      );
    const fromStart = select(false);
    const afterRow = select(true);
    const wanted = page.limit + 1;
    const found: T[] = [];
    for (let chunk = wanted; found.length < wanted; chunk = Math.min(chunk * 4, 1000)) {
      const rows = (
        at
          ? afterRow.all(...args, at.created, at.created, at.seq, chunk)
          : fromStart.all(...args, chunk)
      ) as { data: string; created: number; seq: number }[];
      for (const r of rows) {
        const object = JSON.parse(r.data) as T;
        if (!query.where || query.where(object)) found.push(object);
        if (found.length === wanted) break;
      }
      const last = rows.at(-1);
      if (rows.length < chunk || !last) break;
      at = { created: last.created, seq: last.seq };
    }
    const data = found.slice(0, page.limit);
    return { data: backwards ? data.reverse() : data, hasMore: found.length > page.limit };
  }

  /**
   * Emulator-only state attached to an object (a card's test behaviour, a session's
   * secret token…) that must never appear in API responses or events.
   */
  getPrivate<T>(id: string): T | undefined {
    const row = this.db.prepare("SELECT data FROM private WHERE id = ?").get(id) as
      { data: string } | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  setPrivate(id: string, data: unknown): void {
    this.db
      .prepare(
        "INSERT INTO private (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data",
      )
      .run(id, JSON.stringify(data));
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as
      { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(key, value);
  }
}

function customerOf(o: StoredObject): string | null {
  const c = o.customer;
  if (typeof c === "string") return c;
  if (c && typeof c === "object" && typeof (c as { id?: unknown }).id === "string") {
    return (c as { id: string }).id;
  }
  return null;
}

/** The indexed part of a list query, as SQL over `objects`. */
function indexedFilter(
  type: string,
  query: Pick<ListQuery<object>, "customer" | "created">,
): { sql: string; args: unknown[] } {
  const clauses = ["type = ?"];
  const args: unknown[] = [type];
  if (query.customer !== undefined) {
    clauses.push("customer = ?");
    args.push(query.customer);
  }
  const c = query.created;
  const bounds: [keyof RangeFilter, string][] = [
    ["gt", ">"],
    ["gte", ">="],
    ["lt", "<"],
    ["lte", "<="],
  ];
  for (const [key, op] of bounds) {
    if (c?.[key] === undefined) continue;
    clauses.push(`created ${op} ?`);
    args.push(c[key]);
  }
  return { sql: clauses.join(" AND "), args };
}
