import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { CheckIcon, InboxIcon, XIcon } from "lucide-react";
import { useId, useState } from "react";
import { toast } from "@/lib/toast";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { PendingButton } from "@/components/pending-button";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/textarea";
import { sectionByPath } from "@/features/admin/sections";
import { formatMoney } from "@/features/billing/format";
import { errorInfo } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";
import type { RouterOutputs } from "@folio/server/api";

type Request = RouterOutputs["admin"]["approvals"]["list"][number];

const REFUND_REASONS: Record<string, string> = {
  requested_by_customer: "requested by the customer",
  duplicate: "duplicate payment",
  fraudulent: "fraudulent payment",
};

/**
 * Maker/checker queue: refunds and credit changes support asked for above its limit. Finance or
 * an admin approves (Folio then sends it to Stripe, once) or rejects with a reason; nobody
 * decides their own request.
 */
export function ApprovalsPage() {
  const section = sectionByPath("/admin/approvals");
  const list = useQuery(trpc.admin.approvals.list.queryOptions());

  return (
    <div className="space-y-6">
      <PageHeader title={section.label} description={section.summary} />
      {list.isPending ? (
        <div className="space-y-3" aria-label="Loading requests">
          <Skeleton className="h-24 w-full" />
          <Skeleton className="h-24 w-full" />
        </div>
      ) : list.isError ? (
        <ErrorState
          title="Requests couldn't be loaded"
          error={list.error}
          onRetry={() => void list.refetch()}
        />
      ) : list.data.length === 0 ? (
        <EmptyState
          icon={InboxIcon}
          title="Nothing waiting for approval"
          description="Refunds and credit changes above support's limit appear here until finance or an admin decides."
        />
      ) : (
        <ul className="space-y-3" aria-label="Requests awaiting approval">
          {list.data.map((r) => (
            <li key={r.id}>
              <RequestCard request={r} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function RequestCard({ request: r }: { request: Request }) {
  const money = formatMoney(Math.abs(r.amount), r.currency);
  const title =
    r.kind === "refund"
      ? `Refund ${money} to ${r.destination === "customer_balance" ? "credit balance" : "the card"}`
      : r.amount > 0
        ? `Grant ${money} of credit`
        : `Take back ${money} of credit`;
  return (
    <article
      aria-label={title}
      className="flex flex-col gap-4 rounded-xl border bg-card p-4 sm:flex-row sm:items-start sm:justify-between"
    >
      <div className="space-y-1.5 text-sm">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="text-base font-semibold tabular-nums">{title}</h2>
          <Badge variant="outline">{r.kind === "refund" ? "Refund" : "Credit"}</Badge>
        </div>
        <p className="text-muted-foreground">
          {r.orderId && (
            <>
              Order <code className="text-xs">{r.orderId}</code> ·{" "}
            </>
          )}
          {r.invoiceId && (
            <>
              Invoice <code className="text-xs">{r.invoiceId}</code> ·{" "}
            </>
          )}
          {r.customerUserId ? (
            <Link
              to="/admin/customers/$customerId"
              params={{ customerId: r.customerUserId }}
              className="underline underline-offset-2"
            >
              {r.customerEmail ?? "customer"}
            </Link>
          ) : (
            (r.customerEmail ?? "unknown customer")
          )}
        </p>
        <p>
          <span className="text-muted-foreground">Reason: </span>
          {r.kind === "refund" ? (REFUND_REASONS[r.reason] ?? r.reason) : r.reason}
          {r.goodsReturned !== null && (r.goodsReturned ? " · goods returned" : " · goods kept")}
        </p>
        {r.note && (
          <p>
            <span className="text-muted-foreground">Note: </span>
            {r.note}
          </p>
        )}
        <p className="text-muted-foreground">
          Asked by {r.requestedBy ? r.requestedBy.name : "a former staff member"} on{" "}
          {formatDateTime(r.createdAt)}
        </p>
      </div>
      {r.mine ? (
        <p className="max-w-48 text-sm text-muted-foreground">
          You asked for this: another finance member or admin decides.
        </p>
      ) : (
        <Decision request={r} title={title} />
      )}
    </article>
  );
}

function Decision({ request: r, title }: { request: Request; title: string }) {
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState(false);
  const [note, setNote] = useState("");
  const noteId = useId();
  const decide = useMutation(
    trpc.admin.approvals.decide.mutationOptions({
      onSuccess: async (result, input) => {
        setRejecting(false);
        if (input.decision === "reject") toast.success("Request rejected.");
        else if (result.status === "failed")
          toast.error(`Approved, but Stripe refused it: ${result.failureReason ?? ""}`);
        else toast.success(`Approved: ${title.toLowerCase()}.`);
        await Promise.all([
          queryClient.invalidateQueries(trpc.admin.approvals.pathFilter()),
          queryClient.invalidateQueries(trpc.admin.refunds.pathFilter()),
          queryClient.invalidateQueries(trpc.admin.creditGrants.pathFilter()),
        ]);
      },
      onError: async (error) => {
        toast.error(errorInfo(error).message);
        await queryClient.invalidateQueries(trpc.admin.approvals.pathFilter());
      },
    }),
  );
  const base = { kind: r.kind, id: r.id } as const;
  return (
    <div className="flex shrink-0 gap-2">
      <Dialog open={rejecting} onOpenChange={setRejecting}>
        <DialogTrigger asChild>
          <Button variant="outline" disabled={decide.isPending}>
            <XIcon aria-hidden="true" />
            Reject
          </Button>
        </DialogTrigger>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Reject: {title}</DialogTitle>
            <DialogDescription>
              Nothing is sent to Stripe. The requester sees why.
            </DialogDescription>
          </DialogHeader>
          <div className="space-y-2">
            <Label htmlFor={noteId}>Reason</Label>
            <Textarea id={noteId} rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline">Cancel</Button>
            </DialogClose>
            <PendingButton
              variant="destructive"
              pending={decide.isPending}
              disabled={note.trim().length === 0}
              onClick={() => decide.mutate({ ...base, decision: "reject", note })}
            >
              Reject request
            </PendingButton>
          </DialogFooter>
        </DialogContent>
      </Dialog>
      <PendingButton
        pending={decide.isPending && decide.variables.decision === "approve"}
        disabled={decide.isPending}
        onClick={() => decide.mutate({ ...base, decision: "approve" })}
        aria-label={`Approve: ${title}`}
      >
        <CheckIcon aria-hidden="true" />
        Approve
      </PendingButton>
    </div>
  );
}
