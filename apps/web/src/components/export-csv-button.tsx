import { DownloadIcon } from "lucide-react";
import { Button } from "@/components/ui/button";

/**
 * `/api/export/<kind>.csv` for a list's current view: its procedure input without the paging
 * (an export is every matching row, not the page on screen). The server checks it with the
 * list's own schema and permission.
 */
export function exportCsvUrl(kind: string, listInput: Record<string, unknown>): string {
  const { limit: _limit, cursor: _cursor, ...filters } = listInput;
  const query = Object.keys(filters).length
    ? `?input=${encodeURIComponent(JSON.stringify(filters))}`
    : "";
  return `/api/export/${encodeURIComponent(kind)}.csv${query}`;
}

/**
 * Downloads a list as CSV, matching its filters and order: pass the same input the list
 * procedure gets, e.g. `input={auditListSearch.queryInput(search)}`. The server streams it, so
 * a million rows are fine. Exports are registered in apps/server/src/http/csv-export.
 */
export function ExportCsvButton({
  kind,
  input,
  label = "Export CSV",
}: {
  kind: string;
  input: Record<string, unknown>;
  label?: string;
}) {
  return (
    <Button asChild variant="outline">
      {/* A plain link: the browser streams the download to disk instead of holding it in JS. */}
      <a href={exportCsvUrl(kind, input)} download>
        <DownloadIcon aria-hidden="true" />
        {label}
      </a>
    </Button>
  );
}
