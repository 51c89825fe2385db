import type { Db, StripeRaw } from "@folio/db";
import { getTableColumns, getTableName, type Table } from "drizzle-orm";

// The apply path runs a handful of statements per event; building them through drizzle's query
// builder and re-preparing them each time was most of its CPU. These are the same statements,
// prepared once per connection and reused. Values go through each column's own
// `mapToDriverValue`, so encoding stays exactly drizzle's.

type Client = Db["$client"];
interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

const cache = new WeakMap<Client, Map<string, Statement>>();

export function prepared(client: Client, key: string, build: () => string): Statement {
  let byKey = cache.get(client);
  if (!byKey) {
    byKey = new Map();
    cache.set(client, byKey);
  }
  let stmt = byKey.get(key);
  if (!stmt) {
    stmt = client.prepare(build());
    byKey.set(key, stmt);
  }
  return stmt;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

type Columns = Array<[string, ReturnType<typeof getTableColumns>[string]]>;
const columnCache = new WeakMap<Table, Columns>();
function columnsOf(table: Table): Columns {
  let cols = columnCache.get(table);
  if (!cols) {
    cols = Object.entries(getTableColumns(table));
    columnCache.set(table, cols);
  }
  return cols;
}

export interface StoredVersion {
  versionTs: Date;
  versionEventId: string | null;
  deletedAt: Date | null;
  readonly raw: StripeRaw;
}

interface StoredRow {
  version_ts: number;
  version_event_id: string | null;
  deleted_at: number | null;
  raw: string;
}

export function readVersion(client: Client, table: Table, id: string): StoredVersion | null {
  const name = getTableName(table);
  const row = prepared(
    client,
    `read:${name}`,
    () => `select version_ts, version_event_id, deleted_at, raw from ${q(name)} where id = ?`,
  ).get(id) as StoredRow | undefined;
  if (!row) return null;
  let raw: StripeRaw | undefined;
  return {
    versionTs: new Date(row.version_ts),
    versionEventId: row.version_event_id,
    deletedAt: row.deleted_at === null ? null : new Date(row.deleted_at),
    // Parsed on first use: most decisions need only the version columns.
    get raw() {
      return (raw ??= JSON.parse(row.raw) as StripeRaw);
    },
  };
}

export function rowExists(client: Client, table: Table, id: string): boolean {
  const name = getTableName(table);
  return (
    prepared(client, `exists:${name}`, () => `select 1 from ${q(name)} where id = ?`).get(id) !==
    undefined
  );
}

/** `insert … on conflict(id) do update` over every column of `table`; absent keys are null. */
export function upsertRow(client: Client, table: Table, row: Record<string, unknown>): void {
  const name = getTableName(table);
  const columns = columnsOf(table);
  const stmt = prepared(client, `upsert:${name}`, () => {
    const names = columns.map(([, c]) => q(c.name));
    return `insert into ${q(name)} (${names.join(", ")}) values (${names.map(() => "?").join(", ")}) on conflict(id) do update set ${names
      .filter((n) => n !== '"id"')
      .map((n) => `${n} = excluded.${n}`)
      .join(", ")}`;
  });
  stmt.run(
    ...columns.map(([key, c]) => {
      const v = row[key];
      return v === undefined || v === null ? null : c.mapToDriverValue(v);
    }),
  );
}

export function touchVersion(
  client: Client,
  table: Table,
  id: string,
  versionTs: number,
  eventId: string | null,
  now: Date,
): void {
  const name = getTableName(table);
  prepared(
    client,
    `touch:${name}`,
    () => `update ${q(name)} set version_ts = ?, version_event_id = ?, synced_at = ? where id = ?`,
  ).run(versionTs, eventId, now.getTime(), id);
}

export function markDeleted(client: Client, table: Table, id: string, now: Date): void {
  const name = getTableName(table);
  prepared(
    client,
    `delete:${name}`,
    () => `update ${q(name)} set deleted_at = ?, synced_at = ? where id = ?`,
  ).run(now.getTime(), now.getTime(), id);
}

/** Tombstones live children of `parentId` whose ids are not in `keep`. */
export function tombstoneChildren(
  client: Client,
  table: Table,
  parentColumn: string,
  parentId: string,
  keep: readonly string[],
  now: Date,
): void {
  const name = getTableName(table);
  prepared(
    client,
    `children:${name}`,
    () =>
      `update ${q(name)} set deleted_at = ? where ${q(parentColumn)} = ? and deleted_at is null and id not in (select value from json_each(?))`,
  ).run(now.getTime(), parentId, JSON.stringify(keep));
}

/** `insert … on conflict do nothing` over every column of `table`; true if a row was added. */
export function insertOrIgnore(
  client: Client,
  table: Table,
  row: Record<string, unknown>,
): boolean {
  const name = getTableName(table);
  const columns = columnsOf(table);
  const stmt = prepared(client, `insert-ignore:${name}`, () => {
    const names = columns.map(([, c]) => q(c.name));
    return `insert into ${q(name)} (${names.join(", ")}) values (${names.map(() => "?").join(", ")}) on conflict do nothing`;
  });
  const res = stmt.run(
    ...columns.map(([key, c]) => {
      const v: unknown = row[key] ?? (c.hasDefault ? (c.default as unknown) : undefined);
      return v === undefined || v === null ? null : c.mapToDriverValue(v);
    }),
  ) as { changes: number };
  return res.changes > 0;
}
