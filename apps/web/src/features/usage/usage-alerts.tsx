import { Link } from "@tanstack/react-router";
import { AlertTriangleIcon } from "lucide-react";
import { formatDate } from "@/features/billing/format";
import type { UsageAlert } from "@/features/usage/search";

type Audience = "customer" | "staff";

function message(alert: UsageAlert, audience: Audience): string {
  const you = audience === "customer";
  switch (alert.kind) {
    case "low_balance":
      return you
        ? `Your credit balance is low: ${alert.balance.toLocaleString("en-US")} credits left.`
        : `Credits are low: ${alert.balance.toLocaleString("en-US")} left.`;
    case "credits_exhausted":
      return you
        ? "You have used all your credits. Usage past your plan's allowance is refused until you buy more."
        : "Out of credits: usage past the allowance is refused.";
    case "limit_reached": {
      const until = formatDate(alert.periodEnd);
      if (!you) return `${alert.name}: allowance used, further use refused until ${until}.`;
      return alert.blocked
        ? `You have used this period's ${alert.name} allowance. More is refused until your plan renews on ${until}.`
        : `You have used this period's ${alert.name} allowance and have no credits left. More is refused until you buy credits or your plan renews on ${until}.`;
    }
  }
}

/** Low balance and limits reached; for the customer, with the way out (buying credits). */
export function UsageAlerts({
  alerts,
  audience = "customer",
  link = "anchor",
}: {
  alerts: UsageAlert[];
  audience?: Audience;
  /** Where "buy credits" points: this page's section, or the Usage page. */
  link?: "anchor" | "usage-page";
}) {
  if (alerts.length === 0) return null;
  return (
    <div
      role="status"
      className="flex items-start gap-3 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-50"
    >
      <AlertTriangleIcon className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
      <div className="space-y-1">
        <ul className="space-y-1">
          {alerts.map((a) => (
            <li key={a.kind === "limit_reached" ? `${a.kind}:${a.meter}` : a.kind}>
              {message(a, audience)}
            </li>
          ))}
        </ul>
        {audience === "customer" &&
          (link === "usage-page" ? (
            <Link to="/billing/usage" className="font-medium underline underline-offset-4">
              See your usage and buy credits
            </Link>
          ) : (
            <a href="#buy-credits" className="font-medium underline underline-offset-4">
              Buy credits
            </a>
          ))}
      </div>
    </div>
  );
}
