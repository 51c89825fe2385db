import type { Step } from "../cast.ts";
import { cancel, reactivate } from "./cancellations.ts";
import { changeSeats, downgrade, upgrade } from "./changes.ts";
import type { Customer, StoryContext } from "./context.ts";
import { grantCredit } from "./credits.ts";
import { cardFails, cardFixed } from "./failures.ts";
import { order, refund } from "./orders.ts";

export { signUp } from "./signups.ts";
export type { Customer, StoryContext } from "./context.ts";

/** Acts out one step of a customer's story; returns the steps it planned for later. */
export async function act(ctx: StoryContext, customer: Customer, step: Step): Promise<Step[]> {
  let next: Step[] | void;
  switch (step.kind) {
    case "upgrade":
      next = await upgrade(ctx, customer, step);
      break;
    case "downgrade":
      next = await downgrade(ctx, customer, step);
      break;
    case "seats":
      next = await changeSeats(ctx, customer, step);
      break;
    case "card_fails":
      next = await cardFails(ctx, customer, step);
      break;
    case "card_fixed":
      next = await cardFixed(ctx, customer, step);
      break;
    case "cancel":
      next = await cancel(ctx, customer, step);
      break;
    case "reactivate":
      next = await reactivate(ctx, customer, step);
      break;
    case "order":
      next = await order(ctx, customer, step);
      break;
    case "refund":
      next = await refund(ctx, customer, step);
      break;
    case "credit":
      next = await grantCredit(ctx, customer, step);
      break;
  }
  return next ?? [];
}
