import { getTableColumns, type Table } from "drizzle-orm";

/**
 * Decodes rows a named function read with raw SQL (`select *`, `returning *`) into the table's
 * typed shape, with the same column decoders the query builder uses.
 */
export function rowDecoder<T extends Table>(table: T) {
  const columns = Object.entries(getTableColumns(table));
  return (row: Record<string, unknown>): T["$inferSelect"] => {
    const out: Record<string, unknown> = {};
    for (const [key, c] of columns) {
      const v = row[c.name];
      out[key] = v === null || v === undefined ? null : c.mapFromDriverValue(v);
    }
    return out;
  };
}
