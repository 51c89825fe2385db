export interface ShopSearch {
  /** Set by Stripe Checkout's cancel link. */
  checkout?: "canceled";
}

export function validateShopSearch(search: Record<string, unknown>): ShopSearch {
  return search.checkout === "canceled" ? { checkout: "canceled" } : {};
}
