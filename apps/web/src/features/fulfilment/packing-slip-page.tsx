import type { RouterOutputs } from "@folio/server/api";
import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { ArrowLeftIcon, PackageXIcon, PrinterIcon } from "lucide-react";
import { DocumentTitle } from "@/components/document-title";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { addressLines } from "@/features/fulfilment/address";
import { errorInfo } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/packing-slip/$taskId");

/**
 * A packing slip to print and put in the box: order, ship-to, items and quantities, packer notes.
 * A page of its own (no console around it) so it prints as one clean sheet.
 */
export function PackingSlipPage() {
  const { taskId } = routeApi.useParams();
  const task = useQuery(trpc.admin.fulfilment.byId.queryOptions({ taskId }));

  return (
    <main className="mx-auto max-w-2xl space-y-6 p-6 print:max-w-none print:p-0">
      <div className="flex flex-wrap items-center justify-between gap-2 print:hidden">
        <Link
          to="/admin/fulfilment"
          className="inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
        >
          <ArrowLeftIcon className="size-4" aria-hidden="true" />
          Shipping queue
        </Link>
        {task.isSuccess && (
          <Button onClick={() => window.print()}>
            <PrinterIcon aria-hidden="true" />
            Print
          </Button>
        )}
      </div>
      {task.isPending ? (
        <div aria-busy="true" aria-label="Loading the packing slip" className="space-y-4">
          <Skeleton className="h-10 w-64" />
          <Skeleton className="h-32" />
        </div>
      ) : task.isError ? (
        errorInfo(task.error).code === "NOT_FOUND" ? (
          <EmptyState
            icon={PackageXIcon}
            title="No such shipping task"
            description="This link does not name a shipping task. Open the queue instead."
          />
        ) : (
          <ErrorState
            title="The packing slip couldn't be loaded"
            error={task.error}
            onRetry={() => void task.refetch()}
          />
        )
      ) : (
        <Slip task={task.data} />
      )}
    </main>
  );
}

function Slip({ task: t }: { task: RouterOutputs["admin"]["fulfilment"]["byId"] }) {
  const s = t.shipTo;
  return (
    <article className="space-y-6 rounded-lg border bg-card p-6 text-card-foreground print:border-0 print:bg-white print:p-0 print:text-black">
      <DocumentTitle title={`Packing slip ${t.orderId}`} />
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Packing slip</h1>
          <p className="font-mono text-sm">{t.orderId}</p>
        </div>
        <p className="text-sm">Ordered {formatDateTime(t.placedAt)}</p>
      </header>
      <section aria-labelledby="ship-to">
        <h2 id="ship-to" className="mb-1 text-sm font-semibold tracking-wide uppercase">
          Ship to
        </h2>
        <address className="text-base not-italic">
          {addressLines(s).map((line) => (
            <span key={line} className="block">
              {line}
            </span>
          ))}
          {s.phone && <span className="block">Phone {s.phone}</span>}
        </address>
      </section>
      <section aria-labelledby="items">
        <h2 id="items" className="mb-2 text-sm font-semibold tracking-wide uppercase">
          Items
        </h2>
        <table className="w-full border-collapse text-left">
          <thead>
            <tr className="border-b">
              <th scope="col" className="w-10 py-2 font-medium">
                <span className="sr-only">Packed</span>
              </th>
              <th scope="col" className="py-2 font-medium">
                Item
              </th>
              <th scope="col" className="py-2 text-right font-medium">
                Quantity
              </th>
            </tr>
          </thead>
          <tbody>
            {t.items.map((i, k) => (
              <tr key={k} className="border-b">
                <td className="py-2">
                  <span aria-hidden="true" className="inline-block size-4 border border-current" />
                </td>
                <td className="py-2">{i.description}</td>
                <td className="py-2 text-right text-lg font-semibold tabular-nums">{i.quantity}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {t.notes && (
        <section aria-labelledby="notes">
          <h2 id="notes" className="mb-1 text-sm font-semibold tracking-wide uppercase">
            Notes
          </h2>
          <p className="whitespace-pre-wrap">{t.notes}</p>
        </section>
      )}
    </article>
  );
}
