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
