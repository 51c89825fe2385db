import { auditCsvExport } from "../../routers/admin/audit.ts";
import { creditLedgerCsvExport } from "../../routers/admin/credit-grants.ts";
import { refundsCsvExport } from "../../routers/admin/refunds.ts";
import { customersCsvExport } from "../../routers/admin/customers.ts";
import { ordersCsvExport } from "../../routers/admin/orders.ts";
import { walletTransactionsCsvExport } from "../../routers/admin/wallets.ts";
import type { CsvExport } from "./define.ts";

/**
 * Every CSV export, served at `GET /api/export/<kind>.csv?input=<list input JSON>` (route.ts).
 *
 * To add one for your list: declare it beside the list procedure with `defineCsvExport({ kind,
 * permission, input: <the list's zod input>, columns, fetchPage })` — `fetchPage` runs the same
 * keyset query as the list, with the export's page size — and add it to this array (one line).
 * The web's <ExportCsvButton kind="…" input={listSearch.queryInput(search)} /> links to it.
 * `csv-export.test.ts` checks every export here refuses roles the matrix does not allow.
 */
export const CSV_EXPORTS: readonly CsvExport[] = [
  auditCsvExport,
  ordersCsvExport,
  customersCsvExport,
  refundsCsvExport,
  creditLedgerCsvExport,
  walletTransactionsCsvExport,
];
