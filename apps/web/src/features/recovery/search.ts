/** `?session_id=cs_…` that Stripe Checkout appends on its way back. */
export function validateReturnSearch(search: Record<string, unknown>): { session_id?: string } {
  const id = search.session_id;
  return typeof id === "string" && id !== "" ? { session_id: id } : {};
}
