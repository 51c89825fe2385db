import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { ScrollTextIcon } from "lucide-react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableNoMatches } from "@/components/data-table/data-table-no-matches";
import { EmptyState } from "@/components/empty-state";
import { ExportCsvButton } from "@/components/export-csv-button";
import { PageHeader } from "@/components/page-header";
import { sectionByPath } from "@/features/admin/sections";
import { auditColumns } from "@/features/audit/columns";
import { AuditToolbar } from "@/features/audit/data-table-toolbar";
import { auditListSearch } from "@/features/audit/search";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/audit");

/** Every recorded staff, operator, sync and job action, newest first, filterable and exportable. */
export function AuditPage() {
  const section = sectionByPath("/admin/audit");
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const input = auditListSearch.queryInput(search);
  const list = useQuery({
    ...trpc.admin.audit.list.queryOptions(input),
    placeholderData: keepPreviousData,
  });
  const resetFilters = () =>
    void navigate({ search: (prev) => auditListSearch.clearFilters(prev) });

  return (
    <div className="space-y-6">
      <PageHeader
        title={section.label}
        description={section.summary}
        actions={<ExportCsvButton kind="audit" input={input} />}
      />
      <DataTable
        label="Audit log"
        columns={auditColumns}
        getRowId={(row) => String(row.id)}
        query={list}
        search={search}
        onNavigate={(patch) =>
          void navigate({ search: (prev) => auditListSearch.apply(prev, patch) })
        }
        toolbar={<AuditToolbar search={search} />}
        errorTitle="The audit log couldn't be loaded"
        noun={["entry", "entries"]}
        order="newest first"
        empty={
          auditListSearch.hasFilters(search) ? (
            <DataTableNoMatches
              title="No entries match these filters"
              description="Try another actor, action, target or dates, or reset the filters."
              onReset={resetFilters}
            />
          ) : (
            <EmptyState
              icon={ScrollTextIcon}
              title="Nothing recorded yet"
              description="Staff changes, refunds, credit grants and account changes appear here as they happen."
              className="m-4 border-0"
            />
          )
        }
      />
    </div>
  );
}
