import type { Page } from "@folio/db";
import type { z } from "zod";
import type { Context, StaffActor } from "../../context.ts";
import type { Permission } from "../../permissions.ts";
import type { CsvValue } from "./csv.ts";

/** What an export's `fetchPage` may use: the caller, their database, the clock and Stripe. */
export type ExportContext = Pick<Context, "db" | "clock" | "stripe"> & { actor: StaffActor };

/**
 * One CSV export: `GET /api/export/<kind>.csv?input=<JSON>`, where the JSON is what the list
 * procedure takes (its `limit` and `cursor` are ignored: an export is every matching row).
 */
export interface CsvExport<Input = unknown, Row = unknown> {
  /** The URL name: `[a-z][a-z0-9-]*`, also the file name's start (`orders-2026-12-07.csv`). */
  kind: string;
  /** The permission in the one matrix that the list procedure needs too. */
  permission: Permission;
  /** The list procedure's own input schema, so the export accepts exactly the list's filters. */
  input: z.ZodType<Input>;
  /** Header → cell. Keep amounts in minor units beside their currency, as the store has them. */
  columns: readonly { header: string; value: (row: Row) => CsvValue }[];
  /**
   * One page of rows in the list's order, from `cursor` (absent: the first page). Use the same
   * keyset query as the list; `limit` is the export's page size, larger than a list allows.
   */
  fetchPage(
    ctx: ExportContext,
    input: Input,
    page: { cursor: string | undefined; limit: number },
  ): Promise<Page<Row>>;
}

/** Keeps `Input` and `Row` tied together where an export is declared; the registry forgets them. */
export function defineCsvExport<Input, Row>(spec: CsvExport<Input, Row>): CsvExport {
  return spec as unknown as CsvExport;
}
