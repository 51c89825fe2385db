import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { ListChecksIcon } from "lucide-react";
import { useMemo } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableNoMatches } from "@/components/data-table/data-table-no-matches";
import {
  DataTableSelectFilter,
  DataTableToolbar,
} from "@/components/data-table/data-table-toolbar";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { sectionByPath } from "@/features/admin/sections";
import { hasPermission } from "@/features/auth/session";
import { jobColumns } from "@/features/jobs/columns";
import { JobStats } from "@/features/jobs/job-stats";
import {
  JOB_STATUSES,
  JOB_STATUS_LABELS,
  jobListSearch,
  type JobSearch,
} from "@/features/jobs/search";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/jobs");

const VIEW_OPTIONS = [
  { value: "failing", label: "Failing (waiting for a retry)" },
  ...JOB_STATUSES.map((value) => ({ value, label: JOB_STATUS_LABELS[value] })),
];

function JobsToolbar({ search }: { search: JobSearch }) {
  const navigate = routeApi.useNavigate();
  const view = search.failing ? "failing" : search.status;
  return (
    <DataTableToolbar
      filtered={jobListSearch.hasFilters(search)}
      onReset={() => void navigate({ search: (prev) => jobListSearch.clearFilters(prev) })}
    >
      <DataTableSelectFilter
        label="Status"
        value={view}
        options={VIEW_OPTIONS}
        allLabel="All jobs"
        onChange={(value) =>
          void navigate({
            search: (prev) =>
              jobListSearch.withFilters(prev, {
                failing: value === "failing" ? true : undefined,
                status: value === "failing" ? undefined : (value as JobSearch["status"]),
              }),
          })
        }
      />
    </DataTableToolbar>
  );
}

/** The job queue: e-mails, outbound webhook deliveries and housekeeping, with failures to act on. */
export function JobsPage() {
  const section = sectionByPath("/admin/jobs");
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const { me } = routeApi.useRouteContext();
  const columns = useMemo(() => jobColumns(hasPermission(me, "jobs.retry")), [me]);
  const list = useQuery({
    ...trpc.admin.jobs.list.queryOptions(jobListSearch.queryInput(search)),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });

  return (
    <div className="space-y-6">
      <PageHeader
        title={section.label}
        description="Work Folio does after a change is saved — e-mails, outbound webhooks, housekeeping — and what needs attention."
      />
      <JobStats />
      <DataTable
        label="Jobs"
        columns={columns}
        getRowId={(row) => row.id}
        query={list}
        search={search}
        onNavigate={(patch) =>
          void navigate({ search: (prev) => jobListSearch.apply(prev, patch) })
        }
        toolbar={<JobsToolbar search={search} />}
        errorTitle="Jobs couldn't be loaded"
        noun={["job", "jobs"]}
        order="most recently changed first"
        empty={
          jobListSearch.hasFilters(search) ? (
            <DataTableNoMatches
              title="No jobs match this filter"
              description="Try another status, or reset the filter."
              onReset={() => void navigate({ search: (prev) => jobListSearch.clearFilters(prev) })}
            />
          ) : (
            <EmptyState
              icon={ListChecksIcon}
              title="No jobs yet"
              description="Jobs appear here when a change needs work after it is saved, such as an order confirmation e-mail."
            />
          )
        }
      />
    </div>
  );
}
