import {
  BanknoteIcon,
  CreditCardIcon,
  HistoryIcon,
  PackageIcon,
  ShieldAlertIcon,
  UserCogIcon,
  type LucideIcon,
} from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import type { AdminOrder } from "@/features/admin-orders/search";
import { formatMoney } from "@/features/billing/format";
import { formatDateTime } from "@/lib/format";

type Entry = AdminOrder["timeline"][number];

const words = (s: string) => s.replaceAll("_", " ");

const ACTIONS: Record<string, string> = {
  "order.created": "Order placed",
  "order.payment_state_changed": "Payment state changed",
  "shipping_task.created": "Shipping task created",
  "shipping_task.state_changed": "Shipping state changed",
  "shipping_task.shipped": "Shipped",
  "shipping_task.canceled": "Fulfilment canceled",
  "shipping_task.assigned": "Task assigned",
  "shipping_task.unassigned": "Task put back in the queue",
  "shipping_task.notes_changed": "Packing notes changed",
};

function actorOf(e: Extract<Entry, { kind: "audit" }>): string {
  if (e.actor.type === "sync") return "Stripe";
  if (e.actor.name) return e.actor.name;
  return e.actor.id ? `${e.actor.type} ${e.actor.id}` : e.actor.type;
}

function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return words(v);
  return JSON.stringify(v);
}

/** A before → after line for the fields an audit row changed. */
function changes(e: Extract<Entry, { kind: "audit" }>): string[] {
  const after = e.after ?? {};
  const before = e.before ?? {};
  return Object.keys(after)
    .filter((k) => k !== "orderId" && JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => {
      return k in before
        ? `${k}: ${show(before[k])} → ${show(after[k])}`
        : `${k}: ${show(after[k])}`;
    });
}

function describe(e: Entry): { icon: LucideIcon; title: string; details: string[] } {
  switch (e.kind) {
    case "audit":
      return {
        icon: e.action.startsWith("shipping_task.") ? PackageIcon : UserCogIcon,
        title: `${ACTIONS[e.action] ?? e.action} · ${actorOf(e)}`,
        // A creation's "after" is the whole new record, shown on the page already.
        details: [
          ...(e.action.endsWith(".created") ? [] : changes(e)),
          ...(e.reason ? [`Reason: ${e.reason}`] : []),
        ],
      };
    case "charge":
      return {
        icon: CreditCardIcon,
        title: `Charge ${words(e.status)} · ${formatMoney(e.amount, e.currency)}`,
        details: [e.id, ...(e.failureMessage ? [e.failureMessage] : [])],
      };
    case "refund":
      return {
        icon: BanknoteIcon,
        title: `Refund ${words(e.status ?? "pending")} · ${formatMoney(e.amount, e.currency)}`,
        details: [
          e.id,
          ...(e.reason ? [words(e.reason)] : []),
          ...(e.failureReason ? [`Failed: ${words(e.failureReason)}`] : []),
        ],
      };
    case "dispute":
      return {
        icon: ShieldAlertIcon,
        title: `Dispute ${words(e.status)} · ${formatMoney(e.amount, e.currency)}`,
        details: [e.id, ...(e.reason ? [words(e.reason)] : [])],
      };
  }
}

/** Everything that happened to the order, newest first. */
export function OrderTimeline({ entries }: { entries: Entry[] }) {
  if (entries.length === 0) {
    return (
      <EmptyState
        icon={HistoryIcon}
        title="Nothing recorded yet"
        description="Payment, shipping and staff actions on this order appear here."
        className="border-0"
      />
    );
  }
  return (
    <ol className="space-y-4">
      {entries.map((e, i) => {
        const { icon: Icon, title, details } = describe(e);
        return (
          <li key={`${e.kind}-${e.at}-${i}`} className="flex gap-3">
            <Icon className="mt-0.5 size-4 shrink-0 text-muted-foreground" aria-hidden="true" />
            <div className="min-w-0 flex-1 space-y-0.5">
              <p className="text-sm font-medium">{title}</p>
              {details.map((d) => (
                <p key={d} className="text-sm break-all text-muted-foreground">
                  {d}
                </p>
              ))}
              <p className="text-xs text-muted-foreground">
                <time dateTime={e.at}>{formatDateTime(e.at)}</time>
              </p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
