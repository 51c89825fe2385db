import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { StoreIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { CheckoutCanceledNotice } from "@/features/checkout/canceled-notice";
import { ProductCard, type Product } from "@/features/shop/product-card";
import { trpc } from "@/lib/trpc";

const shopRoute = getRouteApi("/billing/shop");

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
