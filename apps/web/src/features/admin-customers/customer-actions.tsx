import { ResyncDialog } from "@/features/admin-customers/resync-dialog";
import type { Customer } from "@/features/admin-customers/search";

/**
 * The actions in a customer page's header. Add an action for customers here (one element each);
 * the header lays them out and wraps them on small screens.
 */
export function CustomerActions({ customer }: { customer: Customer }) {
  return <ResyncDialog customerId={customer.id} hasStripe={customer.stripeCustomerId !== null} />;
}
