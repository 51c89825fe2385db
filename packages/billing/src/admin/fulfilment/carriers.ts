import { z } from "zod";

// Carriers Folio knows how to link to. Any other carrier may be typed in; its tracking link is
// then whatever staff give (or none).

export const KNOWN_CARRIERS = {
  ups: { name: "UPS", track: "https://www.ups.com/track?tracknum=" },
  usps: { name: "USPS", track: "https://tools.usps.com/go/TrackConfirmAction?tLabels=" },
  fedex: { name: "FedEx", track: "https://www.fedex.com/fedextrack/?trknbr=" },
  dhl: {
    name: "DHL",
    track: "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id=",
  },
  royal_mail: {
    name: "Royal Mail",
    track: "https://www.royalmail.com/track-your-item#/tracking-results/",
  },
  colissimo: { name: "Colissimo", track: "https://www.laposte.fr/outils/suivre-vos-envois?code=" },
} as const;

export type KnownCarrier = keyof typeof KNOWN_CARRIERS;

export const shipmentInput = z.object({
  /** A known carrier's code (`ups`) or name (`UPS`), or any other carrier's name. */
  carrier: z
    .string({ message: "Choose the carrier." })
    .trim()
    .min(2, { message: "Choose the carrier." })
    .max(60),
  trackingNumber: z
    .string({ message: "Enter the tracking number." })
    .trim()
    .min(4, { message: "Enter the tracking number (at least 4 characters)." })
    .max(60)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, {
      message: "A tracking number has letters, digits, spaces and dashes only.",
    }),
  /** Needed only for a carrier Folio does not know; a known carrier's link is built. */
  trackingUrl: z
    .url({ protocol: /^https?$/, message: "The tracking link must be an http(s) address." })
    .max(500)
    .optional(),
});
export type ShipmentInput = z.input<typeof shipmentInput>;

function knownCarrier(carrier: string): KnownCarrier | null {
  const key = carrier.trim().toLowerCase().replace(/\s+/g, "_");
  for (const [code, c] of Object.entries(KNOWN_CARRIERS)) {
    if (code === key || c.name.toLowerCase() === carrier.trim().toLowerCase()) {
      return code as KnownCarrier;
    }
  }
  return null;
}

/** The carrier's display name, the tracking number and the link the customer gets. */
export function shipmentDetails(input: z.output<typeof shipmentInput>): {
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
} {
  const known = knownCarrier(input.carrier);
  const trackingNumber = input.trackingNumber.replace(/\s+/g, " ");
  if (input.trackingUrl) {
    return {
      carrier: known ? KNOWN_CARRIERS[known].name : input.carrier,
      trackingNumber,
      trackingUrl: input.trackingUrl,
    };
  }
  if (!known) return { carrier: input.carrier, trackingNumber, trackingUrl: null };
  const { name, track } = KNOWN_CARRIERS[known];
  return {
    carrier: name,
    trackingNumber,
    trackingUrl: track + encodeURIComponent(trackingNumber.replace(/[ -]/g, "")),
  };
}
