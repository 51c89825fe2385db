import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Loader2Icon } from "lucide-react";
import { useEffect, useRef } from "react";
import { formatCount } from "@/lib/format";
import { trpc } from "@/lib/trpc";

/** How often the page asks how far the rebuild has got while it runs. */
const POLL_MS = 5_000;

/**
 * After the recognition settings are saved, the server recomputes every customer's movements in
 * the background; until it is done the figures mix the old and the new recognition. Says so,
 * with progress, and reloads the figures once it has finished.
 */
export function RecomputingNotice() {
  const queryClient = useQueryClient();
  const status = useQuery({
    ...trpc.admin.revenue.rebuildStatus.queryOptions(),
    refetchInterval: (query) => (query.state.data?.recomputing ? POLL_MS : false),
  });
  const recomputing = status.data?.recomputing ?? false;
  const wasRecomputing = useRef(false);
  useEffect(() => {
    if (wasRecomputing.current && !recomputing)
      void queryClient.invalidateQueries(trpc.admin.revenue.pathFilter());
    wasRecomputing.current = recomputing;
  }, [recomputing, queryClient]);

  if (!status.data?.recomputing) return null;
  const { customersDone, customersTotal } = status.data;
  return (
    <div
      role="status"
      className="flex items-start gap-2 rounded-lg border bg-muted/40 p-3 text-sm"
      data-testid="revenue-recomputing"
    >
      <Loader2Icon className="mt-0.5 size-4 shrink-0 animate-spin" aria-hidden="true" />
      <p>
        <span className="font-medium">Recomputing revenue with the new recognition settings</span>
        {customersTotal !== null &&
          ` — ${formatCount(customersDone)} of ${formatCount(customersTotal)} customers done`}
        . Until it finishes, the figures mix the previous and the new settings.
      </p>
    </div>
  );
}
