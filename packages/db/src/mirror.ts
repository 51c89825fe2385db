import { getTableColumns, getTableName, type Table } from "drizzle-orm";
import { driverOf, type Db } from "./client.ts";
import type { StripeRaw } from "./schema/stripe.ts";

// The sync engine's hot statements on the Stripe mirror tables, built once per table from its
// columns. Values go through each column's own encoder, so they are stored exactly as Drizzle
// would store them. Works inside or outside `withTransaction`.

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

const sqlCache = new WeakMap<Table, Map<string, string>>();
/** SQL text per (table, statement), built once. */
function sqlFor(table: Table, key: string, build: (name: string) => string): string {
  let byKey = sqlCache.get(table);
  if (!byKey) sqlCache.set(table, (byKey = new Map<string, string>()));
  let text = byKey.get(key);
  if (text === undefined) byKey.set(key, (text = build(q(getTableName(table)))));
  return text;
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

/** The version columns of one mirror row (its JSON parsed only if `raw` is read). */
export async function readVersion(db: Db, table: Table, id: string): Promise<StoredVersion | null> {
  const text = sqlFor(
    table,
    "read",
    (t) => `select version_ts, version_event_id, deleted_at, raw from ${t} where id = ?`,
  );
  const [row] = await driverOf(db).rows<StoredRow>(text, [id]);
  if (!row) return null;
  let raw: StripeRaw | undefined;
  return {
    versionTs: new Date(row.version_ts),
    versionEventId: row.version_event_id,
    deletedAt: row.deleted_at === null ? null : new Date(row.deleted_at),
    get raw() {
      return (raw ??= JSON.parse(row.raw) as StripeRaw);
    },
  };
}

export async function rowExists(db: Db, table: Table, id: string): Promise<boolean> {
  const text = sqlFor(table, "exists", (t) => `select 1 as one from ${t} where id = ?`);
  return (await driverOf(db).rows(text, [id])).length > 0;
}

const encode = (columns: Columns, row: Record<string, unknown>, defaults: boolean) =>
  columns.map(([key, c]) => {
    const v: unknown = row[key] ?? (defaults && c.hasDefault ? (c.default as unknown) : undefined);
    return v === undefined || v === null ? null : c.mapToDriverValue(v);
  });

/** `insert … on conflict(id) do update` over every column of `table`; absent keys are null. */
export async function upsertRow(db: Db, table: Table, row: Record<string, unknown>): Promise<void> {
  const columns = columnsOf(table);
  const text = sqlFor(table, "upsert", (t) => {
    const names = columns.map(([, c]) => q(c.name));
    return `insert into ${t} (${names.join(", ")}) values (${names.map(() => "?").join(", ")}) on conflict (id) do update set ${names
      .filter((n) => n !== '"id"')
      .map((n) => `${n} = excluded.${n}`)
      .join(", ")}`;
  });
  await driverOf(db).run(text, encode(columns, row, false));
}

/** `insert … on conflict do nothing` over every column of `table`; true if a row was added. */
export async function insertOrIgnore(
  db: Db,
  table: Table,
  row: Record<string, unknown>,
): Promise<boolean> {
  const columns = columnsOf(table);
  const text = sqlFor(table, "insert-ignore", (t) => {
    const names = columns.map(([, c]) => q(c.name));
    return `insert into ${t} (${names.join(", ")}) values (${names.map(() => "?").join(", ")}) on conflict do nothing`;
  });
  return (await driverOf(db).run(text, encode(columns, row, true))) > 0;
}

/** Moves only the version columns (a newer version with identical content). */
export async function touchVersion(
  db: Db,
  table: Table,
  id: string,
  versionTs: number,
  eventId: string | null,
  now: Date,
): Promise<void> {
  const text = sqlFor(
    table,
    "touch",
    (t) => `update ${t} set version_ts = ?, version_event_id = ?, synced_at = ? where id = ?`,
  );
  await driverOf(db).run(text, [versionTs, eventId, now.getTime(), id]);
}

/** Tombstones a row, keeping its content. */
export async function markDeleted(db: Db, table: Table, id: string, now: Date): Promise<void> {
  const text = sqlFor(
    table,
    "delete",
    (t) => `update ${t} set deleted_at = ?, synced_at = ? where id = ?`,
  );
  await driverOf(db).run(text, [now.getTime(), now.getTime(), id]);
}

/** Tombstones live children of `parentId` whose ids are not in `keep`. */
export async function tombstoneChildren(
  db: Db,
  table: Table,
  parentColumn: string,
  parentId: string,
  keep: readonly string[],
  now: Date,
): Promise<void> {
  const driver = driverOf(db);
  const text = sqlFor(table, `children:${driver.dialect}:${parentColumn}`, (t) =>
    driver.dialect === "postgres"
      ? `update ${t} set deleted_at = ? where ${q(parentColumn)} = ? and deleted_at is null and not (id = any(?::text[]))`
      : `update ${t} set deleted_at = ? where ${q(parentColumn)} = ? and deleted_at is null and id not in (select value from json_each(?))`,
  );
  await driver.run(text, [
    now.getTime(),
    parentId,
    driver.dialect === "postgres" ? keep : JSON.stringify(keep),
  ]);
}
