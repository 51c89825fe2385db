import type { AppRouter } from "@folio/server/api";
import { useMutation } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { DownloadIcon, SparklesIcon, TruckIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "@/lib/toast";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from "@/components/ui/card";
import { formatMoney } from "@/features/billing/format";
import { useAttemptIds, useOnPageRestore } from "@/features/checkout/attempt";
import { QuantityStepper } from "@/features/checkout/quantity-stepper";
import { formatCount } from "@/lib/format";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";

const MAX_QUANTITY = 20;

export type Product = inferRouterOutputs<AppRouter>["catalog"]["shop"]["products"][number];

/** One product with its price, a quantity and a Buy button that opens Stripe Checkout. */
export function ProductCard({ product }: { product: Product }) {
  const [quantity, setQuantity] = useState(1);
  const attempts = useAttemptIds();
  const price = product.prices[0];
  const buy = useMutation(
    trpc.portal.checkout.buy.mutationOptions({
      onSuccess: ({ url }, input) => {
        attempts.done(`${input.priceId}:${input.quantity}`);
        window.location.assign(url);
      },
      onError: (error) => toast.error(errorInfo(error).message),
    }),
  );
  useOnPageRestore(buy.reset);
  const headingId = `product-${product.id}`;

  return (
    <Card role="group" aria-labelledby={headingId} className="flex flex-col">
      <CardHeader className="space-y-2">
        <CardTitle id={headingId}>{product.name}</CardTitle>
        <div className="flex flex-wrap gap-1.5">
          {product.requiresShipping && (
            <Badge variant="secondary">
              <TruckIcon aria-hidden="true" />
              Ships to you
            </Badge>
          )}
          {product.kind === "digital" && (
            <Badge variant="secondary">
              <DownloadIcon aria-hidden="true" />
              Instant access
            </Badge>
          )}
          {product.credits !== null && (
            <Badge variant="secondary">
              <SparklesIcon aria-hidden="true" />
              {formatCount(product.credits)} credits
            </Badge>
          )}
        </div>
        {product.description && <CardDescription>{product.description}</CardDescription>}
      </CardHeader>
      <CardContent className="mt-auto space-y-3">
        {price && (
          <>
            <p className="text-2xl font-semibold tracking-tight tabular-nums">
              {formatMoney(price.unitAmount, price.currency)}
              {product.unitLabel && (
                <span className="text-sm font-normal text-muted-foreground">
                  {" "}
                  / {product.unitLabel}
                </span>
              )}
            </p>
            <QuantityStepper
              label="Quantity"
              value={quantity}
              onChange={setQuantity}
              min={1}
              max={MAX_QUANTITY}
            />
          </>
        )}
      </CardContent>
      <CardFooter>
        {price && (
          <Button
            className="w-full"
            disabled={buy.isPending}
            aria-label={`Buy for ${formatMoney(price.unitAmount * quantity, price.currency)}: ${quantity} × ${product.name}`}
            onClick={() =>
              buy.mutate({
                priceId: price.id,
                quantity,
                attemptId: attempts.idFor(`${price.id}:${quantity}`),
              })
            }
          >
            {buy.isPending
              ? "Opening checkout…"
              : `Buy for ${formatMoney(price.unitAmount * quantity, price.currency)}`}
          </Button>
        )}
      </CardFooter>
    </Card>
  );
}
