import { getRouteApi } from "@tanstack/react-router";
import { SearchIcon, XIcon } from "lucide-react";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import {
  EVENT_TYPE_PATTERN,
  STATUS_LABELS,
  WEBHOOK_STATUSES,
  type WebhookSearch,
} from "@/features/webhooks/search";

const routeApi = getRouteApi("/admin/webhooks");
const ALL = "all";

/**
 * Filters for the inbox. Every change is a navigation, so the URL always describes the view;
 * the page goes back to the newest events whenever a filter changes.
 */
export function WebhooksToolbar({ search }: { search: WebhookSearch }) {
  const navigate = routeApi.useNavigate();
  // Remounted (via key) when the URL's type changes, so the draft starts from the URL.
  const [typeDraft, setTypeDraft] = useState(search.type ?? "");
  const [typeError, setTypeError] = useState<string | null>(null);
  const typeId = useId();
  const filtered = search.status !== undefined || search.type !== undefined;

  const applyType = () => {
    const type = typeDraft.trim();
    if (type !== "" && !EVENT_TYPE_PATTERN.test(type)) {
      setTypeError("Use an event type like invoice.paid, or a prefix like invoice.*");
      return;
    }
    setTypeError(null);
    void navigate({
      search: (prev) => ({ ...prev, type: type || undefined, cursor: undefined, event: undefined }),
    });
  };

  return (
    <div className="flex flex-col gap-3 border-b p-4 sm:flex-row sm:items-start">
      <form
        role="search"
        className="flex flex-1 flex-col gap-1.5"
        onSubmit={(event) => {
          event.preventDefault();
          applyType();
        }}
      >
        <label htmlFor={typeId} className="sr-only">
          Event type
        </label>
        <div className="relative max-w-sm">
          <SearchIcon
            className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground"
            aria-hidden="true"
          />
          <Input
            id={typeId}
            value={typeDraft}
            onChange={(event) => setTypeDraft(event.target.value)}
            onBlur={() => {
              if (typeDraft.trim() !== (search.type ?? "")) applyType();
            }}
            placeholder="Event type, e.g. invoice.*"
            className="pl-8"
            aria-invalid={typeError !== null}
            aria-describedby={typeError ? `${typeId}-error` : undefined}
          />
        </div>
        {typeError && (
          <p id={`${typeId}-error`} role="alert" className="text-sm text-destructive">
            {typeError}
          </p>
        )}
      </form>
      <div className="flex items-center gap-2">
        <Select
          value={search.status ?? ALL}
          onValueChange={(value) => {
            const status = WEBHOOK_STATUSES.find((s) => s === value);
            void navigate({
              search: (prev) => ({ ...prev, status, cursor: undefined, event: undefined }),
            });
          }}
        >
          <SelectTrigger className="w-44" aria-label="Status">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>All statuses</SelectItem>
            {WEBHOOK_STATUSES.map((status) => (
              <SelectItem key={status} value={status}>
                {STATUS_LABELS[status]}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        {filtered && (
          <Button
            variant="ghost"
            onClick={() => void navigate({ search: {} })}
            aria-label="Clear filters"
          >
            <XIcon aria-hidden="true" />
            Reset
          </Button>
        )}
      </div>
    </div>
  );
}
