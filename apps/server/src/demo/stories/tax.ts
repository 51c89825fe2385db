import type Stripe from "stripe";
import type { CastMember } from "../cast.ts";

/**
 * The demo's EU VAT customers: every EUR cast member lives in Germany and pays through Stripe
 * Tax. Those with an odd index buy as a business with a valid German VAT number, so its invoices
 * are reverse charged (no VAT, the buyer accounts for it); the others are consumers charged
 * 19 % on top of the catalog's EUR prices, which exclude tax.
 */
export interface TaxProfile {
  address: Stripe.AddressParam;
  /** A VAT number when the customer is a business, else null. */
  vatNumber: string | null;
}

export function taxProfile(member: CastMember): TaxProfile | null {
  if (member.currency !== "eur") return null;
  const business = member.index % 2 === 1;
  return {
    address: {
      line1: `Torstraße ${(member.index % 180) + 1}`,
      city: "Berlin",
      postal_code: "10119",
      country: "DE",
    },
    // Nine digits from the index: well-formed, and never the emulator's "unverified" pattern.
    vatNumber: business ? `DE${String(300_000_000 + member.index * 7_919).slice(0, 9)}` : null,
  };
}
