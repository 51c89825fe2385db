import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  DAY,
  START,
  catalog,
  customerWith,
  emu,
  latestInvoice,
  stripe,
  typesSince,
  useBillingEmulator,
} from "./billing-setup.ts";

/** Subscription updates: prorations, period resets, pending updates, pause/resume and cancellation. */

useBillingEmulator();

describe("changes, prorations and cancellation", () => {
  it("upgrade with always_invoice: createPreview equals the invoice produced at the same proration_date", async () => {
    const { prices } = await catalog([1000, 3000]);
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const item = sub.items.data[0]!;
    emu.advanceClock(10 * DAY + 12345);
    const prorationDate = emu.now();
    const items = [{ id: item.id, price: prices[1]!.id }];
    const preview = await stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: {
        items,
        proration_date: prorationDate,
        proration_behavior: "always_invoice",
      },
    });
    const span = item.current_period_end - item.current_period_start;
    const left = item.current_period_end - prorationDate;
    const credit = -Math.round((1000 * left) / span);
    const charge = Math.round((3000 * left) / span);
    expect(preview.lines.data.map((l) => l.amount)).toEqual([credit, charge]);
    expect(preview.total).toBe(credit + charge);
    expect(preview.lines.data[0]!.description).toBe("Unused time on Pro plan after 11 Jan 2026");
    expect(preview.lines.data.every((l) => l.parent?.subscription_item_details?.proration)).toBe(
      true,
    );

    emu.advanceClock(60); // the real update happens a minute later but prorates at the same instant
    const updated = await stripe.subscriptions.update(sub.id, {
      items,
      proration_date: prorationDate,
      proration_behavior: "always_invoice",
    });
    expect(updated.items.data[0]).toMatchObject({ id: item.id, price: { id: prices[1]!.id } });
    const invoice = await latestInvoice(updated);
    expect(invoice).toMatchObject({
      billing_reason: "subscription_update",
      status: "paid",
      total: preview.total,
      amount_paid: preview.amount_due,
      parent: { subscription_details: { subscription_proration_date: prorationDate } },
    });
    expect(invoice.lines.data.map((l) => l.amount)).toEqual([credit, charge]);
    // Periods are unchanged by a same-interval upgrade.
    expect(updated.items.data[0]!.current_period_end).toBe(item.current_period_end);
  });

  it("downgrade with create_prorations leaves pending items for the next invoice", async () => {
    const { prices } = await catalog([1000, 3000]);
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[1]!.id }],
    });
    const item = sub.items.data[0]!;
    emu.advanceClock(15 * DAY);
    const at = emu.now();
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: prices[0]!.id }],
      proration_behavior: "create_prorations",
    });
    expect(updated.latest_invoice).toBe(sub.latest_invoice);
    const pending = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
    const span = item.current_period_end - item.current_period_start;
    const left = item.current_period_end - at;
    const credit = -Math.round((3000 * left) / span);
    const charge = Math.round((1000 * left) / span);
    expect(pending.data.map((i) => i.amount).sort((a, b) => a - b)).toEqual([credit, charge]);
    expect(pending.data.every((i) => i.proration && i.invoice === null)).toBe(true);
    const preview = await stripe.invoices.createPreview({ subscription: sub.id });
    expect(preview.total).toBe(1000 + credit + charge);

    emu.setClock(item.current_period_end + 3600);
    const renewal = await latestInvoice(await stripe.subscriptions.retrieve(sub.id));
    expect(renewal).toMatchObject({
      billing_reason: "subscription_cycle",
      total: 1000 + credit + charge,
      status: "paid",
    });
    expect(renewal.total).toBe(preview.total);
    expect(
      (await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data,
    ).toHaveLength(0);
  });

  it("pending_if_incomplete: a failed upgrade waits in pending_update until its invoice is paid", async () => {
    const { prices } = await catalog([1000, 3000]);
    const { customer, pm: visa } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const failing = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", {
      customer: customer.id,
    });
    await stripe.subscriptions.update(sub.id, { default_payment_method: failing.id });
    emu.advanceClock(5 * DAY);
    const item = sub.items.data[0]!;
    const pending = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: prices[1]!.id }],
      proration_behavior: "always_invoice",
      payment_behavior: "pending_if_incomplete",
    });
    expect(pending.status).toBe("active");
    expect(pending.items.data[0]!.price.id).toBe(prices[0]!.id);
    expect(pending.pending_update?.subscription_items?.[0]?.price.id).toBe(prices[1]!.id);
    expect(pending.pending_update?.expires_at).toBe(START + 5 * DAY + 23 * 3600);
    const invoice = await latestInvoice(pending);
    expect(invoice).toMatchObject({ status: "open", billing_reason: "subscription_update" });
    await stripe.invoices.pay(invoice.id, { payment_method: visa.id });
    const applied = await stripe.subscriptions.retrieve(sub.id);
    expect(applied.pending_update).toBeNull();
    expect(applied.items.data[0]!.price.id).toBe(prices[1]!.id);
    expect(
      (await stripe.events.list({ type: "customer.subscription.pending_update_applied" })).data,
    ).toHaveLength(1);
  });

  it("quantity change with proration_behavior=none changes nothing financially", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, quantity: 3 }],
      proration_behavior: "none",
    });
    expect(updated.items.data[0]!.quantity).toBe(3);
    expect((await stripe.invoiceItems.list({ customer: customer.id })).data).toHaveLength(0);
    const updatedEvent = (await stripe.events.list({ type: "customer.subscription.updated" }))
      .data[0]!;
    expect(updatedEvent.data.previous_attributes).toHaveProperty("items");
  });

  it("an interval change restarts the period and bills at once: credit + the new year", async () => {
    const { product, prices } = await catalog([1000]);
    const yearly = await stripe.prices.create({
      product: product.id,
      unit_amount: 10000,
      currency: "usd",
      recurring: { interval: "year" },
    });
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const item = sub.items.data[0]!;
    emu.advanceClock(10 * DAY);
    const at = emu.now();
    const preview = await stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: { items: [{ id: item.id, price: yearly.id }], proration_date: at },
    });
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: yearly.id }],
      proration_date: at,
    });
    expect(updated.billing_cycle_anchor).toBe(at);
    expect(updated.items.data[0]).toMatchObject({
      current_period_start: at,
      current_period_end: Date.UTC(2027, 0, 11) / 1000,
    });
    const credit = -Math.round(
      (1000 * (item.current_period_end - at)) /
        (item.current_period_end - item.current_period_start),
    );
    const invoice = await latestInvoice(updated);
    expect(invoice).toMatchObject({
      billing_reason: "subscription_update",
      status: "paid",
      total: credit + 10000,
    });
    expect(preview.total).toBe(invoice.total);
  });

  it("trial_end=now ends the trial and bills the first period", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      trial_period_days: 30,
    });
    emu.advanceClock(2 * DAY);
    const now = emu.now();
    const active = await stripe.subscriptions.update(sub.id, { trial_end: "now" });
    expect(active).toMatchObject({ status: "active", trial_end: now, billing_cycle_anchor: now });
    expect(active.items.data[0]!.current_period_start).toBe(now);
    expect(await latestInvoice(active)).toMatchObject({
      status: "paid",
      total: 1000,
      billing_reason: "subscription_update",
    });
    // The trial's scheduled end no longer fires.
    emu.setClock(START + 30 * DAY + 3600);
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(2);
  });

  it("previews a new subscription's first invoice and removes a subscription's discount", async () => {
    const { prices } = await catalog([2000]);
    const { customer } = await customerWith();
    const coupon = await stripe.coupons.create({ percent_off: 50, duration: "forever" });
    const preview = await stripe.invoices.createPreview({
      customer: customer.id,
      subscription_details: { items: [{ price: prices[0]!.id, quantity: 2 }] },
      discounts: [{ coupon: coupon.id }],
    });
    expect(preview).toMatchObject({
      subtotal: 4000,
      total: 2000,
      amount_due: 2000,
      status: "draft",
    });
    expect((await stripe.invoices.list({ customer: customer.id })).data).toHaveLength(0);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id, quantity: 2 }],
      discounts: [{ coupon: coupon.id }],
    });
    expect((await latestInvoice(sub)).total).toBe(preview.total);
    const removed = await stripe.subscriptions.deleteDiscount(sub.id);
    expect(removed).toMatchObject({
      object: "discount",
      deleted: true,
      source: { coupon: coupon.id },
    });
    expect((await stripe.subscriptions.retrieve(sub.id)).discounts).toEqual([]);
    const next = await stripe.invoices.createPreview({ subscription: sub.id });
    expect(next.total).toBe(4000);
  });

  it("pause_collection voids renewal invoices until resumes_at", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const end = sub.items.data[0]!.current_period_end;
    const paused = await stripe.subscriptions.update(sub.id, {
      pause_collection: { behavior: "void", resumes_at: end + 10 * DAY },
    });
    expect(paused.pause_collection).toEqual({ behavior: "void", resumes_at: end + 10 * DAY });
    emu.setClock(end + 2 * 3600);
    const skipped = await latestInvoice(await stripe.subscriptions.retrieve(sub.id));
    expect(skipped).toMatchObject({
      status: "void",
      billing_reason: "subscription_cycle",
      amount_paid: 0,
    });
    expect((await stripe.events.list({ type: "invoice.voided" })).data).toHaveLength(1);
    const next = (await stripe.subscriptions.retrieve(sub.id)).items.data[0]!.current_period_end;
    emu.setClock(next + 2 * 3600);
    const resumed = await stripe.subscriptions.retrieve(sub.id);
    expect(resumed.pause_collection).toBeNull();
    expect(await latestInvoice(resumed)).toMatchObject({ status: "paid", amount_paid: 1000 });
  });

  it("pause credits the unused time and stops renewals; resume starts a new period", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const item = sub.items.data[0]!;
    emu.advanceClock(10 * DAY);
    const pausedAt = emu.now();
    const paused = await stripe.subscriptions.pause(sub.id);
    expect(paused.status).toBe("paused");
    const credit = -Math.round(
      (1000 * (item.current_period_end - pausedAt)) /
        (item.current_period_end - item.current_period_start),
    );
    expect(await latestInvoice(paused)).toMatchObject({
      total: credit,
      amount_due: 0,
      status: "paid",
    });
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(
      credit,
    );
    expect((await stripe.events.list({ type: "customer.subscription.paused" })).data).toHaveLength(
      1,
    );
    emu.setClock(item.current_period_end + 2 * DAY);
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(2);
    const resumedAt = emu.now();
    const resumed = await stripe.subscriptions.resume(sub.id);
    expect(resumed).toMatchObject({ status: "active", billing_cycle_anchor: resumedAt });
    expect(resumed.items.data[0]!.current_period_start).toBe(resumedAt);
    expect(await latestInvoice(resumed)).toMatchObject({
      total: 1000,
      amount_due: 1000 + credit,
      status: "paid",
    });
    expect((await stripe.events.list({ type: "customer.subscription.resumed" })).data).toHaveLength(
      1,
    );
    await expect(stripe.subscriptions.resume(sub.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it("cancel_at_period_end, unset it, set it again and let it lapse", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const end = sub.items.data[0]!.current_period_end;
    const scheduled = await stripe.subscriptions.update(sub.id, {
      cancel_at_period_end: true,
      cancellation_details: { feedback: "too_expensive" },
    });
    expect(scheduled).toMatchObject({
      cancel_at_period_end: true,
      cancel_at: end,
      canceled_at: START,
      status: "active",
    });
    const event = (await stripe.events.list({ type: "customer.subscription.updated" })).data[0]!;
    expect(event.data.previous_attributes).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
    });
    const resumed = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: false });
    expect(resumed).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
    });
    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    const invoicesBefore = (await stripe.invoices.list({ subscription: sub.id })).data.length;
    emu.setClock(end + 2 * 3600);
    const lapsed = await stripe.subscriptions.retrieve(sub.id);
    expect(lapsed).toMatchObject({
      status: "canceled",
      ended_at: end,
      cancellation_details: { reason: "cancellation_requested", feedback: "too_expensive" },
    });
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(
      invoicesBefore,
    );
    expect((await stripe.events.list({ type: "customer.subscription.deleted" })).data).toHaveLength(
      1,
    );
    await expect(
      stripe.subscriptions.update(sub.id, { items: [{ price: prices[1]!.id }] }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it("cancels now with invoice_now + prorate: the unused time becomes customer credit", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const item = sub.items.data[0]!;
    emu.advanceClock((31 * DAY) / 2);
    const at = emu.now();
    const canceled = await stripe.subscriptions.cancel(sub.id, {
      invoice_now: true,
      prorate: true,
    });
    expect(canceled).toMatchObject({ status: "canceled", canceled_at: at, ended_at: at });
    const credit = -Math.round(
      (1000 * (item.current_period_end - at)) /
        (item.current_period_end - item.current_period_start),
    );
    const final = await latestInvoice(canceled);
    expect(final).toMatchObject({
      total: credit,
      amount_due: 0,
      status: "paid",
      ending_balance: credit,
    });
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      balance: credit,
    });
    await expect(stripe.subscriptions.cancel(sub.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it("pending prorations: dropped by an immediate cancel, billed by a scheduled one", async () => {
    const { prices } = await catalog([1000, 3000]);
    const { customer } = await customerWith();
    const change = async (sub: Stripe.Subscription) =>
      stripe.subscriptions.update(sub.id, {
        items: [{ id: sub.items.data[0]!.id, price: prices[1]!.id }],
        proration_behavior: "create_prorations",
      });
    const first = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const second = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    emu.advanceClock(10 * DAY);
    await change(first);
    await change(second);
    const pendingOf = async (subId: string) =>
      (await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data.filter(
        (ii) => ii.parent?.subscription_details?.subscription === subId,
      );
    expect(await pendingOf(first.id)).toHaveLength(2);
    await stripe.subscriptions.cancel(first.id);
    expect(await pendingOf(first.id)).toHaveLength(0);
    expect((await stripe.events.list({ type: "invoiceitem.deleted" })).data).toHaveLength(2);

    const expected = (await pendingOf(second.id)).reduce((sum, ii) => sum + ii.amount, 0);
    await stripe.subscriptions.update(second.id, { cancel_at_period_end: true });
    emu.setClock(second.items.data[0]!.current_period_end + 3600);
    const ended = await stripe.subscriptions.retrieve(second.id);
    expect(ended.status).toBe("canceled");
    const final = await latestInvoice(ended);
    expect(final).toMatchObject({
      total: expected,
      status: "paid",
      billing_reason: "subscription_cycle",
    });
    expect(final.lines.data.every((l) => l.parent?.subscription_item_details?.proration)).toBe(
      true,
    );
  });

  it("deleting the customer cancels its subscriptions", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    await stripe.customers.del(customer.id);
    expect(await stripe.subscriptions.retrieve(sub.id)).toMatchObject({
      status: "canceled",
      ended_at: START,
    });
    expect(
      await typesSince(
        null,
        (t) => t === "customer.subscription.deleted" || t === "customer.deleted",
      ),
    ).toEqual(["customer.subscription.deleted", "customer.deleted"]);
  });

  it("applies the customer balance to an invoice", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    await stripe.customers.createBalanceTransaction(customer.id, { amount: -300, currency: "usd" });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const invoice = await latestInvoice(sub);
    expect(invoice).toMatchObject({
      total: 1000,
      starting_balance: -300,
      ending_balance: 0,
      amount_due: 700,
      amount_paid: 700,
    });
    const txns = await stripe.customers.listBalanceTransactions(customer.id);
    expect(txns.data[0]).toMatchObject({
      type: "applied_to_invoice",
      amount: 300,
      invoice: invoice.id,
      ending_balance: 0,
    });
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(0);
  });

  it("marks an invoice paid when less than the minimum charge is due, carrying it to the balance", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    // $10.00 plan, $9.70 of credit: $0.30 is below USD's $0.50 minimum charge.
    await stripe.customers.createBalanceTransaction(customer.id, { amount: -970, currency: "usd" });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    expect(sub.status).toBe("active");
    const invoice = await latestInvoice(sub);
    expect(invoice).toMatchObject({
      status: "paid",
      total: 1000,
      starting_balance: -970,
      ending_balance: 30,
      amount_due: 0,
      amount_paid: 0,
    });
    expect(invoice.payments?.data ?? []).toHaveLength(0);
    expect((await stripe.charges.list({ customer: customer.id })).data).toHaveLength(0);
    const txns = await stripe.customers.listBalanceTransactions(customer.id);
    expect(txns.data[0]).toMatchObject({ amount: 1000, invoice: invoice.id, ending_balance: 30 });
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(30);
  });

  it("applies coupons and promotion codes; a `once` coupon only discounts the first invoice", async () => {
    const { prices } = await catalog([2000]);
    const { customer } = await customerWith();
    const once = await stripe.coupons.create({ percent_off: 25, duration: "once" });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      discounts: [{ coupon: once.id }],
    });
    // The `once` discount is spent on the first invoice and leaves the subscription.
    expect(sub.discounts).toHaveLength(0);
    const first = await latestInvoice(sub);
    expect(first).toMatchObject({ subtotal: 2000, total: 1500, amount_paid: 1500 });
    const discountId = first.discounts[0] as string;
    expect(discountId).toMatch(/^di_/);
    expect(first.total_discount_amounts).toEqual([{ amount: 500, discount: discountId }]);
    expect(first.lines.data[0]!.discount_amounts).toEqual([{ amount: 500, discount: discountId }]);
    expect((await stripe.events.list({ type: "customer.discount.deleted" })).data).toHaveLength(1);
    expect(((await stripe.coupons.retrieve(once.id)) as Stripe.Coupon).times_redeemed).toBe(1);
    emu.setClock(sub.items.data[0]!.current_period_end + 3600);
    const second = await latestInvoice(await stripe.subscriptions.retrieve(sub.id));
    expect(second).toMatchObject({ subtotal: 2000, total: 2000 });

    const forever = await stripe.coupons.create({
      amount_off: 300,
      currency: "usd",
      duration: "forever",
    });
    const promo = await stripe.promotionCodes.create({
      promotion: { type: "coupon", coupon: forever.id },
      code: "SAVE3",
    });
    const other = await customerWith();
    const promoted = await stripe.subscriptions.create({
      customer: other.customer.id,
      items: [{ price: prices[0]!.id }],
      discounts: [{ promotion_code: promo.id }],
    });
    expect(await latestInvoice(promoted)).toMatchObject({ total: 1700 });
    expect((await stripe.promotionCodes.retrieve(promo.id)).times_redeemed).toBe(1);
    const discount = (await stripe.events.list({ type: "customer.discount.created" })).data[0]!.data
      .object as Stripe.Discount;
    expect(discount).toMatchObject({
      object: "discount",
      promotion_code: promo.id,
      source: { coupon: forever.id, type: "coupon" },
      subscription: promoted.id,
    });
  });

  it("spreads an amount_off coupon over the lines; a coupon larger than the invoice makes it $0", async () => {
    const { prices } = await catalog([1000, 3000]);
    const { customer } = await customerWith();
    const off = await stripe.coupons.create({
      amount_off: 999,
      currency: "usd",
      duration: "forever",
    });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }, { price: prices[1]!.id }],
      discounts: [{ coupon: off.id }],
    });
    const invoice = await latestInvoice(sub);
    expect(invoice).toMatchObject({ subtotal: 4000, total: 3001, amount_paid: 3001 });
    const shares = invoice.lines.data.map((l) => l.discount_amounts?.[0]?.amount ?? 0);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(999);
    expect(shares).toEqual([249, 750]);

    const huge = await stripe.coupons.create({
      amount_off: 50_000,
      currency: "usd",
      duration: "once",
    });
    const other = await customerWith();
    const free = await stripe.subscriptions.create({
      customer: other.customer.id,
      items: [{ price: prices[0]!.id }],
      discounts: [{ coupon: huge.id }],
    });
    expect(free.status).toBe("active");
    expect(await latestInvoice(free)).toMatchObject({
      total: 0,
      amount_due: 0,
      status: "paid",
      attempt_count: 0,
    });
  });

  it("lists with status filters and auto-pagination over status=all", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (
          await stripe.subscriptions.create({
            customer: customer.id,
            items: [{ price: prices[0]!.id }],
          })
        ).id,
      );
    }
    await stripe.subscriptions.cancel(ids[1]!);
    await stripe.subscriptions.cancel(ids[3]!);
    const all = await stripe.subscriptions
      .list({ status: "all", limit: 2 })
      .autoPagingToArray({ limit: 100 });
    expect(all.map((s) => s.id)).toEqual([...ids].reverse());
    const live = await stripe.subscriptions.list({ limit: 2 }).autoPagingToArray({ limit: 100 });
    expect(live.map((s) => s.id)).toEqual([ids[4], ids[2], ids[0]]);
    expect((await stripe.subscriptions.list({ status: "canceled" })).data.map((s) => s.id)).toEqual(
      [ids[3], ids[1]],
    );
    expect((await stripe.subscriptions.list({ status: "ended" })).data).toHaveLength(2);
    expect((await stripe.subscriptions.list({ price: prices[1]!.id })).data).toHaveLength(0);
    expect(
      (await stripe.subscriptions.list({ customer: customer.id, status: "active" })).data,
    ).toHaveLength(3);
    await expect(stripe.subscriptions.list({ status: "nope" as "all" })).rejects.toMatchObject({
      param: "status",
    });
    const invoices = await stripe.invoices
      .list({ customer: customer.id, limit: 2 })
      .autoPagingToArray({ limit: 100 });
    expect(invoices).toHaveLength(5);
  });

  it("searches subscriptions by status, customer and metadata", async () => {
    const { prices } = await catalog();
    const a = await customerWith();
    const b = await customerWith();
    const s1 = await stripe.subscriptions.create({
      customer: a.customer.id,
      items: [{ price: prices[0]!.id }],
      metadata: { team: "red" },
    });
    await stripe.subscriptions.create({
      customer: b.customer.id,
      items: [{ price: prices[0]!.id }],
      metadata: { team: "blue" },
    });
    const found = await stripe.subscriptions.search({
      query: `status:'active' AND metadata['team']:'red'`,
    });
    expect(found.data.map((s) => s.id)).toEqual([s1.id]);
    const byCustomer = await stripe.subscriptions.search({ query: `customer:'${b.customer.id}'` });
    expect(byCustomer.data).toHaveLength(1);
    await expect(stripe.subscriptions.search({ query: "price>3" })).rejects.toMatchObject({
      param: "query",
    });
  });

  it("subscription items: add, update and delete through the items endpoints", async () => {
    const { prices } = await catalog([1000, 500]);
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const added = await stripe.subscriptionItems.create({
      subscription: sub.id,
      price: prices[1]!.id,
      quantity: 2,
      proration_behavior: "none",
    });
    expect(added).toMatchObject({ object: "subscription_item", subscription: sub.id, quantity: 2 });
    const updated = await stripe.subscriptionItems.update(added.id, {
      quantity: 4,
      proration_behavior: "none",
    });
    expect(updated.quantity).toBe(4);
    const listed = await stripe.subscriptionItems.list({ subscription: sub.id });
    expect(listed.data.map((i) => i.id)).toEqual([sub.items.data[0]!.id, added.id]);
    const inline = await stripe.subscriptionItems.create({
      subscription: sub.id,
      price_data: {
        currency: "usd",
        product: prices[0]!.product as string,
        unit_amount: 250,
        recurring: { interval: "month" },
      },
      proration_behavior: "none",
    });
    expect(inline.price).toMatchObject({ unit_amount: 250, active: false });
    await stripe.subscriptionItems.del(inline.id, { proration_behavior: "none" });
    const deleted = await stripe.subscriptionItems.del(added.id, { proration_behavior: "none" });
    expect(deleted).toEqual({ id: added.id, object: "subscription_item", deleted: true });
    expect((await stripe.subscriptions.retrieve(sub.id)).items.data).toHaveLength(1);
    await expect(stripe.subscriptionItems.del(sub.items.data[0]!.id)).rejects.toMatchObject({
      param: "items",
      statusCode: 400,
    });
  });
});
