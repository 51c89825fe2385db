/**
 * A tiny browser stand-in for tests: GETs a hosted page, submits its forms as a browser
 * would (form-encoded POST, redirects not followed so each 303 can be checked).
 */
export interface PageResult {
  status: number;
  location: string | null;
  html: string;
}

export async function getPage(url: string): Promise<PageResult> {
  const res = await fetch(url, { redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), html: await res.text() };
}

export async function postForm(url: string, fields: Record<string, string>): Promise<PageResult> {
  const res = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, location: res.headers.get("location"), html: await res.text() };
}

/** Field values the checkout form needs for a card (any future expiry, any CVC). */
export function card(number: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    action: "pay",
    card_number: number,
    card_expiry: "12 / 34",
    card_cvc: "123",
    cardholder_name: "Ada Lovelace",
    ...extra,
  };
}

/** Text content of the page's `role="alert"` element, if any. */
export function alertText(html: string): string | null {
  const m = /role="alert"[^>]*>([^<]*)</.exec(html);
  return m?.[1] ? decode(m[1]) : null;
}

function decode(s: string): string {
  return s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** A shipping address as the hosted checkout page's fields take it. */
export type CheckoutShippingAddress = {
  line1: string;
  city: string;
  state?: string;
  postal_code: string;
  country: string;
};

export interface PayCheckoutOptions {
  /** The card number typed; spaces are fine. Default 4242… (always succeeds). */
  card?: string;
  /** Name on the card and on the parcel. Default "Casey Customer". */
  name?: string;
  /** The e-mail the page asks for when the session has no customer. */
  email?: string;
  /**
   * Fills the shipping fields (needed when the session collects an address): `true` for the
   * default test address (1 Paper Lane, Portland, OR 97201, US), or an address of your own.
   */
  shipping?: boolean | CheckoutShippingAddress;
  /** Fills the billing address (asked for with `billing_address_collection` or automatic tax). */
  billing?: CheckoutShippingAddress;
  /** Buys as a business (sessions with `tax_id_collection`): business name and VAT number. */
  business?: { name: string; vatNumber: string };
}

const DEFAULT_SHIPPING: CheckoutShippingAddress = {
  line1: "1 Paper Lane",
  city: "Portland",
  state: "OR",
  postal_code: "97201",
  country: "US",
};

/**
 * Pays a hosted Checkout page (`session.url`) the way a customer's browser submits it: one
 * form POST with the card (and shipping) fields, the redirect not followed. A 303 is success
 * (`location` is the session's success URL); a 4xx re-renders the page with an alert.
 */
export async function payCheckoutPage(
  url: string,
  {
    card: number = "4242424242424242",
    name = "Casey Customer",
    email,
    shipping,
    billing,
    business,
  }: PayCheckoutOptions = {},
): Promise<PageResult> {
  const fields = card(number, { cardholder_name: name });
  if (email) fields.email = email;
  if (shipping) {
    const address = shipping === true ? DEFAULT_SHIPPING : shipping;
    fields.shipping_name = name;
    for (const [key, value] of Object.entries<string | undefined>(address)) {
      if (value) fields[`shipping_${key}`] = value;
    }
  }
  for (const [key, value] of Object.entries<string | undefined>(billing ?? {})) {
    if (value) fields[`billing_${key}`] = value;
  }
  if (business) {
    fields.business_name = business.name;
    fields.tax_id_value = business.vatNumber;
  }
  return postForm(url, fields);
}
