export interface CheckoutReturnSearch {
  session_id?: string;
}

/** `?session_id=cs_…` as Stripe Checkout's success URL fills it in. */
export function validateCheckoutReturnSearch(
  search: Record<string, unknown>,
): CheckoutReturnSearch {
  const id = search.session_id;
  return typeof id === "string" && /^cs_\w+$/.test(id) ? { session_id: id } : {};
}
