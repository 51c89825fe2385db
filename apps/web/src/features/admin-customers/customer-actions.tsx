import { ResyncDialog } from "@/features/admin-customers/resync-dialog";
import type { Customer } from "@/features/admin-customers/search";
import { GrantCreditDialog } from "@/features/credit-grants/grant-credit-dialog";

/**
 * The actions in a customer page's header. Add an action for customers here (one element each);
 * the header lays them out and wraps them on small screens.
 */
export function CustomerActions({ customer }: { customer: Customer }) {
  const hasStripe = customer.stripeCustomerId !== null;
  return (
    <>
      <GrantCreditDialog
        userId={customer.id}
        hasStripe={hasStripe}
        currency={customer.credit.currency}
      />
      <ResyncDialog customerId={customer.id} hasStripe={hasStripe} />
    </>
  );
}
