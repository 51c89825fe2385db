import type { AppRouter } from "@folio/server/api";
import { useMutation, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { DownloadIcon, SparklesIcon, StoreIcon, TruckIcon } from "lucide-react";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import { toast } from "@/lib/toast";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
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
import { Skeleton } from "@/components/ui/skeleton";
import { formatMoney } from "@/features/billing/format";
import { useAttemptIds, useOnPageRestore } from "@/features/checkout/attempt";
import { CheckoutCanceledNotice } from "@/features/checkout/canceled-notice";
import { QuantityStepper } from "@/features/checkout/quantity-stepper";
import { formatCount } from "@/lib/format";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";

const shopRoute = getRouteApi("/billing/shop");
const MAX_QUANTITY = 20;

type Product = inferRouterOutputs<AppRouter>["catalog"]["shop"]["products"][number];

const SECTIONS: { kind: Product["kind"]; title: string; description: string }[] = [
  {
    kind: "physical",
    title: "Paper goods",
    description: "Shipped to the address you enter at checkout.",
  },
  { kind: "digital", title: "Digital", description: "Yours as soon as the payment goes through." },
  {
    kind: "credits",
    title: "AI credits",
    description:
      "Recorded on your order as soon as the payment goes through. Credits never expire.",
  },
];

/** One-time purchases: goods, digital products and credit packs, bought through Stripe Checkout. */
export function ShopPage() {
  const search = shopRoute.useSearch();
  const shop = useQuery(trpc.catalog.shop.queryOptions());

  return (
    <div className="space-y-8">
      <PageHeader
        title="Shop"
        description="Notebooks, templates and AI credits, paid once through Stripe's secure checkout."
      />
      {search.checkout === "canceled" && <CheckoutCanceledNotice />}
      {shop.isPending ? (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-busy="true">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} className="h-64 rounded-xl" />
          ))}
        </div>
      ) : shop.isError ? (
        <ErrorState
          title="The shop could not be loaded"
          error={shop.error}
          onRetry={() => void shop.refetch()}
        />
      ) : shop.data.products.length === 0 ? (
        <EmptyState
          icon={StoreIcon}
          title="Nothing is on sale right now"
          description="Products appear here as soon as they are published in Stripe."
        />
      ) : (
        SECTIONS.map((section) => {
          const products = shop.data.products.filter((p) => p.kind === section.kind);
          if (products.length === 0) return null;
          const id = `shop-${section.kind}`;
          return (
            <section key={section.kind} aria-labelledby={id} className="space-y-3">
              <div>
                <h2 id={id} className="text-lg font-semibold tracking-tight">
                  {section.title}
                </h2>
                <p className="text-sm text-muted-foreground">{section.description}</p>
              </div>
              <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
                {products.map((p) => (
                  <ProductCard key={p.id} product={p} />
                ))}
              </div>
            </section>
          );
        })
      )}
    </div>
  );
}

function ProductCard({ product }: { product: Product }) {
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
