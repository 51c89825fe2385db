import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Column, getTableColumns, is, SQL } from "drizzle-orm";
import { getTableConfig as pgConfig, PgDialect, PgTable } from "drizzle-orm/pg-core";
import {
  getTableConfig as sqliteConfig,
  SQLiteSyncDialect,
  SQLiteTable,
} from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as sqliteSchema from "./schema/index.ts";
import * as pgSchema from "./schema-pg/index.ts";

// Domain code queries the SQLite tables (src/schema); on PostgreSQL the same SQL and encoded values
// run against the tables of src/schema-pg. This test holds the two in step, table by table.

/** SQLite column kind → the PostgreSQL column that stores what its encoder produces. */
const PG_TYPE_FOR: Record<string, string> = {
  SQLiteText: "PgText",
  SQLiteTextJson: "PgJsonb", // text { mode: "json" }
  SQLiteBoolean: "PgBoolean", // integer { mode: "boolean" }
  SQLiteInteger: "PgBigInt53", // integer, integer primaryKey autoIncrement
  SQLiteTimestamp: "PgBigInt53", // integer { mode: "timestamp_ms" }
};

type Dialect = "sqlite" | "pg";
type AnyTable = SQLiteTable | PgTable;

const render = (dialect: Dialect, value: SQL) => {
  const q = (dialect === "sqlite" ? new SQLiteSyncDialect() : new PgDialect()).sqlToQuery(
    value,
    "indexes",
  );
  return { sql: q.sql, params: q.params };
};

const describeDefault = (dialect: Dialect, value: unknown): unknown =>
  is(value, SQL) ? render(dialect, value) : value;

function describeColumn(dialect: Dialect, key: string, c: Column) {
  const autoIncrement =
    dialect === "sqlite"
      ? (c as Column & { autoIncrement?: boolean }).autoIncrement === true
      : c.generatedIdentity?.type === "byDefault";
  return {
    key,
    type:
      dialect === "sqlite"
        ? (PG_TYPE_FOR[c.columnType] ?? `unmapped ${c.columnType}`)
        : c.columnType,
    notNull: c.notNull,
    hasDefault: c.hasDefault,
    default: describeDefault(dialect, c.default),
    defaultFn: c.defaultFn !== undefined,
    onUpdateFn: c.onUpdateFn !== undefined,
    primary: c.primary,
    autoIncrement,
    unique: c.isUnique ? (c.uniqueName ?? true) : false,
    enumValues: c.enumValues ?? null,
    generated: c.generated !== undefined,
  };
}

const names = (columns: readonly unknown[]) =>
  columns.map((c) => (is(c, SQL) ? `(expression)` : (c as { name: string }).name));

function describeTable(dialect: Dialect, table: AnyTable) {
  const config =
    dialect === "sqlite" ? sqliteConfig(table as SQLiteTable) : pgConfig(table as PgTable);
  const columns = new Map(
    Object.entries(getTableColumns(table)).map(([key, c]) => [
      c.name,
      describeColumn(dialect, key, c),
    ]),
  );
  const indexes = new Map(
    config.indexes.map(({ config: ix }) => [
      ix.name ?? `(unnamed on ${names(ix.columns).join(", ")})`,
      {
        columns: names(ix.columns),
        unique: ix.unique,
        partial: ix.where !== undefined,
        where: ix.where ? render(dialect, ix.where) : null,
      },
    ]),
  );
  const foreignKeys = new Map(
    config.foreignKeys.map((fk) => {
      const ref = fk.reference();
      return [
        fk.getName(),
        {
          columns: names(ref.columns),
          foreignTable:
            dialect === "sqlite"
              ? sqliteConfig(ref.foreignTable as SQLiteTable).name
              : pgConfig(ref.foreignTable as PgTable).name,
          foreignColumns: names(ref.foreignColumns),
          onDelete: fk.onDelete ?? "no action",
          onUpdate: fk.onUpdate ?? "no action",
        },
      ];
    }),
  );
  return {
    columns,
    indexes,
    foreignKeys,
    primaryKeys: config.primaryKeys.map((pk) => ({
      name: pk.getName(),
      columns: names(pk.columns),
    })),
    uniqueConstraints: config.uniqueConstraints.map((u) => ({
      name: u.getName(),
      columns: names(u.columns),
    })),
    checks: config.checks.map((ch) => ({ name: ch.name, value: render(dialect, ch.value) })),
  };
}

/** Exported tables by SQL name, with the export name they go by. */
function tablesOf(dialect: Dialect, schema: Record<string, unknown>) {
  const tables = new Map<string, { exportName: string; table: AnyTable }>();
  for (const [exportName, value] of Object.entries(schema)) {
    if (dialect === "sqlite" ? is(value, SQLiteTable) : is(value, PgTable)) {
      const table = value as AnyTable;
      const name =
        dialect === "sqlite"
          ? sqliteConfig(table as SQLiteTable).name
          : pgConfig(table as PgTable).name;
      tables.set(name, { exportName, table });
    }
  }
  return tables;
}

const show = (v: unknown) => JSON.stringify(v);

/** Differences between two keyed collections, each named `<table>.<key>`. */
function diffMaps<T extends object>(
  what: string,
  table: string,
  sqlite: Map<string, T>,
  pg: Map<string, T>,
) {
  const problems: string[] = [];
  for (const [key, s] of sqlite) {
    const p = pg.get(key);
    if (p === undefined) {
      problems.push(`${table}.${key}: ${what} on SQLite but missing on PostgreSQL`);
      continue;
    }
    for (const field of Object.keys(s) as (keyof T)[]) {
      if (show(s[field]) !== show(p[field])) {
        problems.push(
          `${table}.${key}: ${what} ${String(field)} differs (wanted by SQLite ${show(s[field])}, PostgreSQL ${show(p[field])})`,
        );
      }
    }
  }
  for (const key of pg.keys()) {
    if (!sqlite.has(key))
      problems.push(`${table}.${key}: ${what} on PostgreSQL but missing on SQLite`);
  }
  return problems;
}

const sqliteTables = tablesOf("sqlite", sqliteSchema);
const pgTables = tablesOf("pg", pgSchema);

describe("PostgreSQL schema in lockstep with the SQLite schema", () => {
  it("has the same tables under the same export names", () => {
    const exports = (m: typeof sqliteTables) =>
      Object.fromEntries([...m].map(([name, t]): [string, string] => [name, t.exportName]).sort());
    expect(exports(pgTables)).toEqual(exports(sqliteTables));
  });

  describe.each([...sqliteTables.keys()].filter((name) => pgTables.has(name)))("%s", (name) => {
    it("has the same columns, keys, indexes and foreign keys", () => {
      const s = describeTable("sqlite", sqliteTables.get(name)!.table);
      const p = describeTable("pg", pgTables.get(name)!.table);
      const problems = [
        ...diffMaps("column", name, s.columns, p.columns),
        ...diffMaps("index", name, s.indexes, p.indexes),
        ...diffMaps("foreign key", name, s.foreignKeys, p.foreignKeys),
      ];
      for (const part of ["primaryKeys", "uniqueConstraints", "checks"] as const) {
        if (show(s[part]) !== show(p[part])) {
          problems.push(
            `${name}: ${part} differ (wanted by SQLite ${show(s[part])}, PostgreSQL ${show(p[part])})`,
          );
        }
      }
      expect(problems).toEqual([]);
    });
  });
});

describe("PostgreSQL migrations", () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "migrations", "postgres");
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
  const trigger = (event: string, table: string, fn: string) =>
    new RegExp(
      `CREATE TRIGGER "\\w+" BEFORE ${event} ON "${table}"\\s+FOR EACH ROW EXECUTE FUNCTION "${fn}"\\(\\)`,
    );

  // The SQLite builder sends NULL for an omitted autoincrement id; PostgreSQL needs the trigger
  // that replaces it with the identity's next value.
  const autoIncrementTables = [...sqliteTables.keys()].filter((name) =>
    [...describeTable("sqlite", sqliteTables.get(name)!.table).columns.values()].some(
      (c) => c.autoIncrement,
    ),
  );

  it.each(autoIncrementTables)("fill %s.id from its identity when the builder sends NULL", (t) => {
    expect(migrations).toMatch(trigger("INSERT", t, "fill_identity_id"));
  });

  it("keep audit_log append-only", () => {
    expect(migrations).toMatch(trigger("UPDATE", "audit_log", "audit_log_append_only"));
    expect(migrations).toMatch(trigger("DELETE", "audit_log", "audit_log_append_only"));
  });
});
