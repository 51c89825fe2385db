import { getRouteApi } from "@tanstack/react-router";
import { useId } from "react";
import {
  DataTableSelectFilter,
  DataTableTextFilter,
  DataTableToolbar,
} from "@/components/data-table/data-table-toolbar";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import {
  ACTION_PATTERN,
  ACTOR_TYPE_LABELS,
  ACTOR_TYPES,
  auditListSearch,
  type AuditSearch,
} from "@/features/audit/search";

const routeApi = getRouteApi("/admin/audit");
const ACTOR_OPTIONS = ACTOR_TYPES.map((value) => ({ value, label: ACTOR_TYPE_LABELS[value] }));

type Filters = Pick<AuditSearch, "actorType" | "actor" | "action" | "target" | "from" | "to">;

/** A day (UTC, as the server reads it); applied when a whole date is entered or cleared. */
function DayFilter({
  label,
  value,
  min,
  max,
  onChange,
}: {
  label: string;
  value: string | undefined;
  min?: string | undefined;
  max?: string | undefined;
  onChange: (day: string | undefined) => void;
}) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id} className="text-xs text-muted-foreground">
        {label}
      </Label>
      <Input
        id={id}
        type="date"
        className="w-full sm:w-40"
        value={value ?? ""}
        min={min}
        max={max}
        onChange={(event) => onChange(event.target.value || undefined)}
      />
    </div>
  );
}

/** The audit log's filters. Each change is a navigation back to the newest matching entries. */
export function AuditToolbar({ search }: { search: AuditSearch }) {
  const navigate = routeApi.useNavigate();
  const filter = (patch: Partial<Filters>) =>
    void navigate({ search: (prev) => auditListSearch.withFilters(prev, patch) });

  return (
    <DataTableToolbar
      filtered={auditListSearch.hasFilters(search)}
      onReset={() => void navigate({ search: (prev) => auditListSearch.clearFilters(prev) })}
    >
      <DataTableTextFilter
        label="Actor"
        value={search.actor}
        placeholder="Actor's e-mail or id"
        maxLength={255}
        onApply={(actor) => filter({ actor })}
      />
      <DataTableTextFilter
        label="Action"
        value={search.action}
        placeholder="Action, e.g. staff.*"
        maxLength={200}
        validate={(action) =>
          ACTION_PATTERN.test(action)
            ? null
            : "Use an action like staff.disabled, or a prefix like staff.*"
        }
        onApply={(action) => filter({ action })}
      />
      <DataTableTextFilter
        label="Target"
        value={search.target}
        placeholder="Target, e.g. user: or order:ord_1"
        maxLength={255}
        onApply={(target) => filter({ target })}
      />
      <DataTableSelectFilter
        label="Actor type"
        value={search.actorType}
        options={ACTOR_OPTIONS}
        allLabel="All actors"
        onChange={(actorType) => filter({ actorType })}
      />
      <DayFilter
        label="From (UTC)"
        value={search.from}
        max={search.to}
        onChange={(from) => filter({ from })}
      />
      <DayFilter
        label="To (UTC)"
        value={search.to}
        min={search.from}
        onChange={(to) => filter({ to })}
      />
    </DataTableToolbar>
  );
}
