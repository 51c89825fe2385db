import { Link } from "@tanstack/react-router";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatMoney } from "@/features/billing/format";

/** Stripe's customer balance: negative is credit, used before the card on the next invoices. */
export function CreditBalanceCard({
  balance,
  className,
}: {
  balance: { amount: number; currency: string | null };
  className?: string;
}) {
  const credit = -balance.amount;
  // A customer never invoiced has no currency yet, and then no balance either.
  const currency = balance.currency;
  return (
    <Card className={className}>
      <CardHeader>
        <CardTitle>Account credit</CardTitle>
        <CardDescription>
          {credit > 0
            ? "Used automatically before your card on the next invoices."
            : credit < 0
              ? "Added to your next invoice."
              : "Credit from refunds or our team shows up here."}
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        {!currency || credit === 0 ? (
          <p className="text-sm font-medium">No credit on your account right now.</p>
        ) : (
          <p className="text-2xl font-semibold tabular-nums">
            {credit < 0 ? `${formatMoney(-credit, currency)} owed` : formatMoney(credit, currency)}
          </p>
        )}
        <Link
          to="/billing/credit"
          className="text-sm font-medium text-primary underline-offset-4 hover:underline"
        >
          Credit history
        </Link>
      </CardContent>
    </Card>
  );
}
