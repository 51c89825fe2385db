import { getRouteApi } from "@tanstack/react-router";
import {
  DataTableSelectFilter,
  DataTableTextFilter,
  DataTableToolbar,
} from "@/components/data-table/data-table-toolbar";
import {
  EVENT_TYPE_PATTERN,
  STATUS_LABELS,
  WEBHOOK_STATUSES,
  webhookListSearch,
  type WebhookSearch,
} from "@/features/webhooks/search";

const routeApi = getRouteApi("/admin/webhooks");
const STATUS_OPTIONS = WEBHOOK_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] }));

/** The inbox's filters. Each change is a navigation back to the newest matching events. */
export function WebhooksToolbar({ search }: { search: WebhookSearch }) {
  const navigate = routeApi.useNavigate();
  const filter = (patch: Pick<WebhookSearch, "status" | "type">) =>
    void navigate({ search: (prev) => webhookListSearch.withFilters(prev, patch) });

  return (
    <DataTableToolbar
      filtered={webhookListSearch.hasFilters(search)}
      onReset={() => void navigate({ search: (prev) => webhookListSearch.clearFilters(prev) })}
    >
      <DataTableTextFilter
        label="Event type"
        value={search.type}
        placeholder="Event type, e.g. invoice.*"
        maxLength={200}
        validate={(type) =>
          EVENT_TYPE_PATTERN.test(type)
            ? null
            : "Use an event type like invoice.paid, or a prefix like invoice.*"
        }
        onApply={(type) => filter({ type })}
      />
      <DataTableSelectFilter
        label="Status"
        value={search.status}
        options={STATUS_OPTIONS}
        allLabel="All statuses"
        onChange={(status) => filter({ status })}
      />
    </DataTableToolbar>
  );
}
