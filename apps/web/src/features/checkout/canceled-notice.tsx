import { InfoIcon } from "lucide-react";

/**
 * On the page a Stripe Checkout's back link returns to (`?checkout=canceled`): the customer
 * left the checkout and nothing was charged. `next` says what to do to try again.
 */
export function CheckoutCanceledNotice({ next }: { next?: string }) {
  return (
    <p
      role="status"
      className="flex items-start gap-2 rounded-lg border bg-muted/50 px-4 py-3 text-sm"
    >
      <InfoIcon className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
      {next
        ? `Checkout was canceled and nothing was charged. ${next}`
        : "Checkout was canceled and nothing was charged."}
    </p>
  );
}
