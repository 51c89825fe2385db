import type { StripeErrorCode } from "../core/error-codes.ts";

/**
 * Stripe's test cards and what each does in the emulator. Raw numbers are accepted on the
 * hosted pages and in `payment_method_data[card][number]`; the `pm_card_*` / `tok_*` ids
 * work anywhere a payment method id is accepted (each use creates a new `pm_…`).
 */
export type CardBehavior =
  | "succeed"
  | "generic_decline"
  | "insufficient_funds"
  | "lost_card"
  | "stolen_card"
  | "expired_card"
  | "incorrect_cvc"
  | "processing_error"
  /** 4000002500003155: authenticate on session; off-session charges then succeed once set up. */
  | "auth_unless_setup"
  /** 4000002760003184: every charge needs authentication, even after setup. */
  | "auth_always"
  /** 4000000000000341: attaches fine, every charge fails. */
  | "charge_fails"
  /** 4000000000000259: charge succeeds, then a dispute opens. */
  | "dispute";

export interface TestCard {
  number: string;
  brand: "visa" | "mastercard" | "amex" | "discover" | "jcb" | "unionpay" | "diners";
  funding: "credit" | "debit" | "prepaid";
  country: string;
  behavior: CardBehavior;
}

export const TEST_CARDS: TestCard[] = [
  {
    number: "4242424242424242",
    brand: "visa",
    funding: "credit",
    country: "US",
    behavior: "succeed",
  },
  {
    number: "4000056655665556",
    brand: "visa",
    funding: "debit",
    country: "US",
    behavior: "succeed",
  },
  {
    number: "5555555555554444",
    brand: "mastercard",
    funding: "credit",
    country: "US",
    behavior: "succeed",
  },
  {
    number: "378282246310005",
    brand: "amex",
    funding: "credit",
    country: "US",
    behavior: "succeed",
  },
  {
    number: "6011111111111117",
    brand: "discover",
    funding: "credit",
    country: "US",
    behavior: "succeed",
  },
  {
    number: "4000000000000002",
    brand: "visa",
    funding: "credit",
    country: "US",
    behavior: "generic_decline",
  },
  {
    number: "4000000000009995",
    brand: "visa",
    funding: "credit",
    country: "US",
    behavior: "insufficient_funds",
  },
  {
    number: "4000000000009987",
    brand: "visa",
    funding: "credit",
    country: "US",
    behavior: "lost_card",
  },
  {
    number: "4000000000009979",
    brand: "visa",
    funding: "credit",
    country: "US",
    behavior: "stolen_card",
  },
  {
    number: "4000000000000069",
    brand: "visa",
    funding: "credit",
    country: "US",
    behavior: "expired_card",
  },
  {
    number: "4000000000000127",
    brand: "visa",
    funding: "credit",
    country: "US",
    behavior: "incorrect_cvc",
  },
  {
    number: "4000000000000119",
    brand: "visa",
    funding: "credit",
    country: "US",
    behavior: "processing_error",
  },
  {
    number: "4000002500003155",
    brand: "visa",
    funding: "credit",
    country: "US",
    behavior: "auth_unless_setup",
  },
  {
    number: "4000002760003184",
    brand: "visa",
    funding: "credit",
    country: "US",
    behavior: "auth_always",
  },
  {
    number: "4000000000000341",
    brand: "visa",
    funding: "credit",
    country: "US",
    behavior: "charge_fails",
  },
  {
    number: "4000000000000259",
    brand: "visa",
    funding: "credit",
    country: "US",
    behavior: "dispute",
  },
];

/** `pm_card_<name>` and `tok_<name>` aliases. */
export const TEST_PAYMENT_METHODS: Record<string, string> = {
  visa: "4242424242424242",
  visa_debit: "4000056655665556",
  mastercard: "5555555555554444",
  amex: "378282246310005",
  discover: "6011111111111117",
  chargeDeclined: "4000000000000002",
  chargeDeclinedInsufficientFunds: "4000000000009995",
  chargeDeclinedLostCard: "4000000000009987",
  chargeDeclinedStolenCard: "4000000000009979",
  chargeDeclinedExpiredCard: "4000000000000069",
  chargeDeclinedIncorrectCvc: "4000000000000127",
  chargeDeclinedProcessingError: "4000000000000119",
  authenticationRequiredSetupForOffSession: "4000002500003155",
  authenticationRequiredOnSetup: "4000002500003155",
  threeDSecure2Required: "4000002760003184",
  authenticationRequired: "4000002760003184",
  chargeCustomerFail: "4000000000000341",
  createDispute: "4000000000000259",
};

export function testCardByNumber(number: string): TestCard | undefined {
  const digits = number.replace(/[\s-]/g, "");
  return TEST_CARDS.find((c) => c.number === digits);
}

export function testCardByAlias(id: string): TestCard | undefined {
  const m = /^(?:pm_card_|tok_)(\w+)$/.exec(id);
  if (!m?.[1]) return undefined;
  const number = TEST_PAYMENT_METHODS[m[1]];
  return number ? testCardByNumber(number) : undefined;
}

/** Luhn check, so a mistyped number is `incorrect_number` rather than silently accepted. */
export function luhnValid(number: string): boolean {
  const digits = number.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export interface DeclineInfo {
  code: StripeErrorCode;
  declineCode?: string;
  message: string;
  sellerMessage: string;
}

export const DECLINES: Partial<Record<CardBehavior, DeclineInfo>> = {
  generic_decline: {
    code: "card_declined",
    declineCode: "generic_decline",
    message: "Your card was declined.",
    sellerMessage: "The bank did not return any further details with this decline.",
  },
  charge_fails: {
    code: "card_declined",
    declineCode: "generic_decline",
    message: "Your card was declined.",
    sellerMessage: "The bank did not return any further details with this decline.",
  },
  insufficient_funds: {
    code: "card_declined",
    declineCode: "insufficient_funds",
    message: "Your card has insufficient funds.",
    sellerMessage: "The bank returned the decline code `insufficient_funds`.",
  },
  lost_card: {
    code: "card_declined",
    declineCode: "lost_card",
    message: "Your card was declined.",
    sellerMessage: "The bank returned the decline code `lost_card`.",
  },
  stolen_card: {
    code: "card_declined",
    declineCode: "stolen_card",
    message: "Your card was declined.",
    sellerMessage: "The bank returned the decline code `stolen_card`.",
  },
  expired_card: {
    code: "expired_card",
    declineCode: "expired_card",
    message: "Your card has expired.",
    sellerMessage: "The bank returned the decline code `expired_card`.",
  },
  incorrect_cvc: {
    code: "incorrect_cvc",
    declineCode: "incorrect_cvc",
    message: "Your card's security code is incorrect.",
    sellerMessage: "The bank returned the decline code `incorrect_cvc`.",
  },
  processing_error: {
    code: "processing_error",
    declineCode: "processing_error",
    message: "An error occurred while processing your card. Try again in a little bit.",
    sellerMessage: "The bank returned the decline code `processing_error`.",
  },
};

export const AUTH_REQUIRED_DECLINE: DeclineInfo = {
  code: "authentication_required",
  declineCode: "authentication_required",
  message: "Your card was declined. This transaction requires authentication.",
  sellerMessage: "The bank returned the decline code `authentication_required`.",
};
