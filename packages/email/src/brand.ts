import { formatMoney } from "@folio/billing/money";

/** Who the e-mail is from, as the merchant set it up (settings `email.branding`) plus where links go. */
export interface Brand {
  name: string;
  /** Hex colour of buttons and the header rule. */
  primaryColor: string;
  /** BCP 47 locale for dates and money, e.g. en-US or de-DE. */
  locale: string;
  /** IANA time zone dates are shown in. */
  timeZone: string;
  /** Public origin of the Folio server (no trailing slash): every link starts here. */
  appUrl: string;
  /** Where replies should go; omitted from the footer when null. */
  supportEmail: string | null;
}

/** Money and dates the way the merchant's customers read them. */
export function formatterFor(brand: Brand) {
  const dates = new Intl.DateTimeFormat(brand.locale, {
    dateStyle: "long",
    timeZone: brand.timeZone,
  });
  return {
    money: (amount: number, currency: string) => formatMoney(amount, currency, brand.locale),
    date: (at: Date) => dates.format(at),
  };
}

export type Format = ReturnType<typeof formatterFor>;
