import {
  createRefund,
  moveShippingTasks,
  shipTask,
  type Actor,
  type Clock,
  type MoveTarget,
} from "@folio/billing";
import { orders, shippingTasks, stripeInvoices, users, type Db } from "@folio/db";
import { and, desc, eq, gt } from "drizzle-orm";
import type Stripe from "stripe";

type StaffActor = Extract<Actor, { type: "staff" }>;

interface StaffDeps {
  db: Db;
  stripe: Stripe;
  clock: Clock;
}

const DAY_MS = 86_400_000;
/** The newest orders are caught at each step of the queue, so every state has work. */
const NEWEST_STATES = ["pending", "picking", "packed", "shipped", "pending"] as const;
/** The refund support asks for: an annual invoice above its limit, so it waits for approval. */
const REFUND_ATTEMPT = "6f0d7c1e-4b2a-4c39-9e57-0d3e5a7b9c10";

/**
 * What the demo staff did with the business's orders and requests, through Folio's own commands
 * (audited as them): the fulfilment queue worked through by age — old orders delivered, last
 * week's shipped, the newest still pending, picking or packed — and one refund support asked
 * for that waits for finance's approval. Failed payments need no staff: dunning made them.
 */
export async function giveStaffWork(deps: StaffDeps): Promise<void> {
  const fulfilment = await staff(deps.db, "fulfillment@folio.test", "fulfillment");
  if (fulfilment) await workTheQueue({ ...deps, actor: fulfilment });
  const support = await staff(deps.db, "support@folio.test", "support");
  if (support) await requestRefund({ ...deps, actor: support });
}

async function staff(db: Db, email: string, role: StaffActor["role"]): Promise<StaffActor | null> {
  const user = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
  return user ? { type: "staff", userId: user.id, role } : null;
}

async function workTheQueue({
  db,
  clock,
  actor,
}: StaffDeps & { actor: StaffActor }): Promise<void> {
  const tasks = await db
    .select({ id: shippingTasks.id, placedAt: orders.placedAt })
    .from(shippingTasks)
    .innerJoin(orders, eq(orders.id, shippingTasks.orderId))
    .where(eq(shippingTasks.status, "pending"))
    .orderBy(desc(orders.placedAt), desc(shippingTasks.id));
  const now = clock.now().getTime();
  const deps = { db, clock, actor };
  for (const [rank, task] of tasks.entries()) {
    const age = now - task.placedAt.getTime();
    const state =
      NEWEST_STATES[rank] ??
      (age > 14 * DAY_MS ? "delivered" : age > 5 * DAY_MS ? "shipped" : "packed");
    if (state === "pending") continue;
    const move = (to: MoveTarget) => moveShippingTasks(deps, { taskIds: [task.id], to });
    if (state === "picking") {
      await move("picking");
      continue;
    }
    await move("packed");
    if (state === "packed") continue;
    await shipTask(deps, {
      taskId: task.id,
      carrier: "ups",
      trackingNumber: `1Z999AA1${String(rank).padStart(10, "0")}`,
    });
    if (state === "delivered") await move("delivered");
  }
}

async function requestRefund({
  db,
  stripe,
  clock,
  actor,
}: StaffDeps & { actor: StaffActor }): Promise<void> {
  const invoice = await db
    .select({ id: stripeInvoices.id, amountPaid: stripeInvoices.amountPaid })
    .from(stripeInvoices)
    .where(
      and(
        eq(stripeInvoices.status, "paid"),
        eq(stripeInvoices.currency, "usd"),
        gt(stripeInvoices.amountPaid, 10_000),
      ),
    )
    .orderBy(desc(stripeInvoices.amountPaid), stripeInvoices.id)
    .limit(1)
    .get();
  if (!invoice) return;
  await createRefund(
    { db, stripe, clock, actor },
    {
      attemptId: REFUND_ATTEMPT,
      target: { invoiceId: invoice.id },
      amount: invoice.amountPaid,
      reason: "requested_by_customer",
      note: "Bought the annual plan by mistake; asked within the first week to switch to monthly.",
    },
  );
}
