import type { Page } from "@playwright/test";
import { seriousAxeViolations } from "../support/axe.ts";
import { expect, test } from "../support/fixtures.ts";
import type { ServerInfo } from "../support/server-info.ts";
import { emulatorStripe } from "../support/stripe.ts";

// The Stripe emulator's hosted pages (what a customer is sent to from Folio, and the developer's
// dashboard): axe-clean and no sideways scrolling at 375 px, and axe-clean on a desktop.

/** A customer of its own in the emulator, with a paid and an open invoice and a portal session. */
async function hostedPages(server: ServerInfo, page: Page): Promise<Record<string, string>> {
  const stripe = emulatorStripe(server);
  const customer = await stripe.customers.create({
    email: "hosted-pages@example.com",
    name: "Hosted Pages",
  });
  const card = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: card.id },
  });
  const [monthly] = (await stripe.prices.list({ lookup_keys: ["quire_pro_monthly"] })).data;
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: monthly!.id }],
  });
  const paid = await stripe.invoices.retrieve(subscription.latest_invoice as string);

  const draft = await stripe.invoices.create({
    customer: customer.id,
    collection_method: "send_invoice",
    days_until_due: 30,
  });
  await stripe.invoiceItems.create({
    customer: customer.id,
    invoice: draft.id,
    amount: 4200,
    currency: "usd",
    description: "Extra seats",
  });
  const open = await stripe.invoices.finalizeInvoice(draft.id);

  const [oneTime] = (await stripe.prices.list({ active: true, type: "one_time", limit: 1 })).data;
  const checkoutPayment = await stripe.checkout.sessions.create({
    mode: "payment",
    line_items: [{ price: oneTime!.id, quantity: 2 }],
    shipping_address_collection: { allowed_countries: ["US", "GB"] },
    success_url: "http://127.0.0.1/done",
    cancel_url: "http://127.0.0.1/cancel",
  });
  const checkoutSubscription = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [{ price: monthly!.id, quantity: 1 }],
    success_url: "http://127.0.0.1/done",
    cancel_url: "http://127.0.0.1/cancel",
  });
  const portal = await stripe.billingPortal.sessions.create({
    customer: customer.id,
    return_url: "http://127.0.0.1/billing",
  });

  // The cancel confirmation is reached from the portal's own link.
  await page.goto(portal.url);
  const portalCancel = await page.locator('a[href*="/cancel/"]').first().getAttribute("href");

  return {
    dashboard: `${server.stripeEmulatorURL}/`,
    checkoutSubscription: checkoutSubscription.url!,
    checkoutPayment: checkoutPayment.url!,
    invoiceOpen: open.hosted_invoice_url!,
    invoicePaid: paid.hosted_invoice_url!,
    portal: portal.url,
    portalCancel: new URL(portalCancel!, portal.url).href,
  };
}

for (const viewport of [
  { name: "phone", width: 375, height: 812 },
  { name: "desktop", width: 1280, height: 900 },
]) {
  test(`the emulator's hosted pages are axe-clean and fit the screen (${viewport.name})`, async ({
    page,
    server,
  }) => {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    const pages = await hostedPages(server, page);
    for (const [name, url] of Object.entries(pages)) {
      await test.step(name, async () => {
        await page.goto(url);
        await expect(page.getByRole("heading").first()).toBeVisible();
        expect(await seriousAxeViolations(page), name).toEqual([]);
        const sideways = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(sideways, `${name} scrolls sideways by ${sideways}px`).toBe(0);
      });
    }
  });
}
