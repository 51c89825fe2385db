import { Link } from "@tanstack/react-router";
import type { CustomerRef } from "@/features/revenue/types";

/**
 * The customer's name (else e-mail, else Stripe id), linking to their admin page when the
 * Stripe customer belongs to a Folio account (the page is per account).
 */
export function CustomerLink({ customer }: { customer: CustomerRef }) {
  const label = customer.name ?? customer.email ?? customer.stripeCustomerId;
  return (
    <span className="flex min-w-0 flex-col">
      {customer.userId ? (
        <Link
          to="/admin/customers/$customerId"
          params={{ customerId: customer.userId }}
          className="truncate font-medium text-primary underline-offset-4 hover:underline"
        >
          {label}
        </Link>
      ) : (
        <span className="truncate font-medium">{label}</span>
      )}
      <span className="truncate text-xs text-muted-foreground">
        {customer.email && customer.email !== label ? customer.email : customer.stripeCustomerId}
      </span>
    </span>
  );
}
