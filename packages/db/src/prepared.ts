import { getTableColumns, sql } from "drizzle-orm";
import type { SQLiteInsertValue, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./client.ts";

/**
 * Statements built once per database handle and reused: on the hot paths (applying webhooks,
 * recording usage) building a Drizzle query — SQL assembly, `is()` checks — cost more than
 * SQLite running it. Build them with `sql.placeholder(name)` for the values that vary; a
 * transaction runs them too (`withTransaction` hands out the same handle).
 */
export function perHandle<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>();
  return (db) => {
    let statements = built.get(db);
    if (statements === undefined) built.set(db, (statements = build(db)));
    return statements;
  };
}

/**
 * A prepared insert of one row into every column of `table` but `omit` (e.g. a generated id).
 * Each value goes through its column's encoder as the query builder would (Drizzle's prepared
 * placeholders would encode null too, which timestamp columns reject). An absent key is stored
 * as null: column defaults do not apply.
 */
export function preparedInsert<T extends SQLiteTable>(
  table: T,
  omit: ReadonlyArray<keyof T["$inferInsert"]> = [],
): (db: Db, row: T["$inferInsert"]) => Promise<void> {
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => !omit.includes(key));
  const statement = perHandle((db) =>
    db
      .insert(table)
      .values(
        Object.fromEntries(
          columns.map(([key]) => [key, sql`${sql.placeholder(key)}`]),
        ) as SQLiteInsertValue<T>,
      )
      .prepare(),
  );
  return async (db, row) => {
    const values: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const v = (row as Record<string, unknown>)[key];
      values[key] = v === undefined || v === null ? null : column.mapToDriverValue(v);
    }
    await statement(db).run(values);
  };
}
