import { useQuery } from "@tanstack/react-query";
import { CreditCardIcon } from "lucide-react";
import { PendingButton } from "@/components/pending-button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useCardUpdate } from "@/features/recovery/use-card-update";
import { trpc } from "@/lib/trpc";

const BRANDS: Record<string, string> = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  discover: "Discover",
  jcb: "JCB",
  unionpay: "UnionPay",
  diners: "Diners Club",
};

/** The card the next charge uses, with a way to replace it. */
export function PaymentMethodCard({ className }: { className?: string }) {
  const card = useQuery({ ...trpc.portal.subscription.card.queryOptions(), staleTime: 60_000 });
  const update = useCardUpdate();

  let body;
  if (card.isPending) {
    body = <Skeleton className="h-10 w-full" role="status" aria-label="Loading your card" />;
  } else if (card.isError) {
    body = <p className="text-sm text-muted-foreground">Couldn't load your card right now.</p>;
  } else if (!card.data) {
    body = <p className="text-sm text-muted-foreground">No card on file.</p>;
  } else {
    const c = card.data;
    body = (
      <div className="flex items-center gap-3">
        <div className="flex size-10 items-center justify-center rounded-md bg-accent text-accent-foreground">
          <CreditCardIcon className="size-5" aria-hidden="true" />
        </div>
        <div className="text-sm">
          <p className="font-medium">
            {BRANDS[c.brand] ?? c.brand} ending in {c.last4}
          </p>
          <p className="text-muted-foreground tabular-nums">
            Expires {String(c.expMonth).padStart(2, "0")}/{c.expYear}
          </p>
        </div>
      </div>
    );
  }
  return (
    <Card className={className}>
      <CardHeader>
        <CardTitle>Payment method</CardTitle>
        <CardDescription>Charged for your plan's invoices.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {body}
        <PendingButton
          variant="outline"
          size="sm"
          pending={update.isPending}
          onClick={update.start}
        >
          {card.data ? "Replace card" : "Add a card"}
        </PendingButton>
      </CardContent>
    </Card>
  );
}
