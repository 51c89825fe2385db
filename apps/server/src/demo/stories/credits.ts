import type { Step } from "../cast.ts";
import { DEMO_METADATA, type Story } from "./context.ts";

type Of<K extends Step["kind"]> = Extract<Step, { kind: K }>;

/** A credit granted to the customer's balance (a Stripe customer balance transaction). */
export const grantCredit: Story<Of<"credit">> = async (ctx, customer, step) => {
  await ctx.stripe.customers.createBalanceTransaction(customer.customerId, {
    amount: -step.amount,
    currency: customer.member.currency,
    description: step.description,
    metadata: DEMO_METADATA,
  });
};
