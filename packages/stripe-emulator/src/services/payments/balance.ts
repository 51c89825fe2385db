import type Stripe from "stripe";
import type { Ctx } from "../../core/types.ts";

export function stripeFee(amount: number): number {
  return Math.round(amount * 0.029) + 30;
}

export function createBalanceTransaction(
  ctx: Ctx,
  input: {
    amount: number;
    currency: string;
    source: string;
    type: Stripe.BalanceTransaction.Type;
    reportingCategory: string;
    description?: string | null;
    fee?: number;
    created: number;
  },
): Stripe.BalanceTransaction {
  const fee = input.fee ?? 0;
  const txn: Stripe.BalanceTransaction = {
    id: ctx.ids.id("txn"),
    object: "balance_transaction",
    amount: input.amount,
    available_on: input.created + 2 * 86400,
    balance_type: "payments",
    created: input.created,
    currency: input.currency,
    description: input.description ?? null,
    exchange_rate: null,
    fee,
    fee_details: fee
      ? [
          {
            amount: fee,
            application: null,
            currency: input.currency,
            description: "Stripe processing fees",
            type: "stripe_fee",
          },
        ]
      : [],
    net: input.amount - fee,
    reporting_category: input.reportingCategory,
    source: input.source,
    status: "pending",
    type: input.type,
  };
  ctx.store.insert(txn);
  return txn;
}
