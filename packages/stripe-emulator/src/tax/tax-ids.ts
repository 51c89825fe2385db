import type Stripe from "stripe";
import { invalidParam } from "../core/errors.ts";
import type { Ctx } from "../core/types.ts";
import { isEuCountry } from "./table.ts";

/**
 * Customer tax ids: format checks and the test-mode verification rule.
 *
 * Stripe verifies `eu_vat`, `gb_vat` and `au_abn` ids against the authorities (VIES, HMRC,
 * ABR); in test mode it documents magic values instead. The emulator follows them by the
 * digits an id ends with, whatever its country prefix:
 *   …000000000 → `verified`, …111111111 → `unverified`, …222222222 → `pending` (forever).
 * Any other well-formed id of those types is `verified` (the emulator has no registry to ask);
 * other types carry `verification: null`, as at Stripe.
 */

const VERIFIED_TYPES = new Set(["eu_vat", "gb_vat", "au_abn"]);

/** Country prefixes of EU VAT numbers: ISO codes, except Greece (`EL`) and Northern Ireland (`XI`). */
function vatPrefixCountry(prefix: string): string | null {
  if (prefix === "EL") return "GR";
  if (prefix === "XI") return "GB";
  return isEuCountry(prefix) ? prefix : null;
}

interface Parsed {
  value: string;
  country: string | null;
}

/** Normalises and checks a value for its type; null when Stripe would refuse it. */
export function parseTaxIdValue(type: string, raw: string): Parsed | null {
  const value = raw.replace(/[\s.-]/g, "").toUpperCase();
  switch (type) {
    case "eu_vat": {
      const country = vatPrefixCountry(value.slice(0, 2));
      return country && /^[A-Z0-9]{8,12}$/.test(value.slice(2)) ? { value, country } : null;
    }
    case "gb_vat":
      return /^(GB)?\d{9}(\d{3})?$/.test(value)
        ? { value: value.startsWith("GB") ? value : `GB${value}`, country: "GB" }
        : null;
    case "au_abn":
      return /^\d{11}$/.test(value) ? { value, country: "AU" } : null;
    case "us_ein":
      return /^\d{9}$/.test(value)
        ? { value: `${value.slice(0, 2)}-${value.slice(2)}`, country: "US" }
        : null;
    default:
      return raw.trim() !== "" ? { value: raw.trim(), country: null } : null;
  }
}

export function verificationFor(type: string, value: string): Stripe.TaxId.Verification | null {
  if (!VERIFIED_TYPES.has(type)) return null;
  const status: Stripe.TaxId.Verification.Status = value.endsWith("111111111")
    ? "unverified"
    : value.endsWith("222222222")
      ? "pending"
      : "verified";
  return { status, verified_address: null, verified_name: null };
}

/** Creates and stores a customer's tax id (`customer.tax_id.created`), or a 400 naming `param`. */
export function createCustomerTaxId(
  ctx: Ctx,
  customerId: string,
  input: { type: string; value: string },
  param = "value",
): Stripe.TaxId {
  const parsed = parseTaxIdValue(input.type, input.value);
  if (!parsed) {
    throw invalidParam(param, `Invalid value for ${input.type}.`, "tax_id_invalid");
  }
  const taxId: Stripe.TaxId = {
    id: ctx.ids.id("txi"),
    object: "tax_id",
    country: parsed.country,
    created: ctx.now(),
    customer: customerId,
    customer_account: null,
    livemode: false,
    owner: { customer: customerId, customer_account: null, type: "customer" },
    type: input.type,
    value: parsed.value,
    verification: verificationFor(input.type, parsed.value),
  };
  ctx.store.insert(taxId);
  ctx.emit("customer.tax_id.created", taxId);
  return taxId;
}

/** A customer's tax ids, oldest first (the order they were added, as invoices list them). */
export function customerTaxIds(ctx: Ctx, customerId: string): Stripe.TaxId[] {
  return ctx.store
    .list<Stripe.TaxId & { deleted?: boolean }>("tax_id", { customer: customerId })
    .filter((t) => t.deleted !== true)
    .reverse();
}

/**
 * The id that makes a sale B2B for VAT: an EU or GB VAT number Stripe would accept for a
 * reverse charge — well-formed and not found invalid (`unverified`).
 */
export function businessVatId<T extends Pick<Stripe.TaxId, "type" | "verification">>(
  taxIds: readonly T[],
): T | null {
  return (
    taxIds.find(
      (t) =>
        (t.type === "eu_vat" || t.type === "gb_vat") && t.verification?.status !== "unverified",
    ) ?? null
  );
}
