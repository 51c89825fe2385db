import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";
import { alertText, card, getPage, postForm } from "./form-client.ts";

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "portal" } });
  stripe = emu.stripe("sk_test_portal", { maxNetworkRetries: 0 });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(async () => {
  await emu.reset();
});

/** A customer paying for "Team plan" monthly with a Visa as their default card. */
async function subscribedCustomer(email = "owner@acme.example") {
  const customer = await stripe.customers.create({ email, name: "Acme" });
  const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: pm.id },
  });
  const price = await stripe.prices.create({
    currency: "usd",
    unit_amount: 4900,
    recurring: { interval: "month" },
    product_data: { name: "Team plan" },
  });
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
  });
  return { customer, pm, subscription };
}

async function portalFor(customer: string, configuration?: string) {
  return stripe.billingPortal.sessions.create({
    customer,
    return_url: "https://app.example/account",
    ...(configuration ? { configuration } : {}),
  });
}

/** Follows a 303 back to the portal and returns the flash message shown there. */
async function flashAfter(res: {
  status: number;
  location: string | null;
}): Promise<string | null> {
  expect(res.status).toBe(303);
  const page = await getPage(res.location ?? "");
  const m = /class="alert (?:success|error)" role="(?:alert|status)"[^>]*>([^<]*)</.exec(page.html);
  return m?.[1]?.replace(/&#39;/g, "'") ?? null;
}

describe("billing portal sessions API", () => {
  it("creates a session with the default configuration and emits the event", async () => {
    const { customer } = await subscribedCustomer();
    const session = await portalFor(customer.id);
    expect(session).toMatchObject({
      object: "billing_portal.session",
      customer: customer.id,
      return_url: "https://app.example/account",
      livemode: false,
      flow: null,
      url: `${emu.url}/p/session/${session.id}`,
    });
    const config = await stripe.billingPortal.configurations.retrieve(
      session.configuration as string,
    );
    expect(config).toMatchObject({
      is_default: true,
      active: true,
      features: {
        invoice_history: { enabled: true },
        payment_method_update: { enabled: true },
        subscription_cancel: { enabled: true, mode: "at_period_end" },
      },
    });
    const events = await stripe.events.list({ type: "billing_portal.session.created" });
    expect(events.data).toHaveLength(1);
    // A second session reuses the default configuration.
    const again = await portalFor(customer.id);
    expect(again.configuration).toBe(session.configuration);
  });

  it("rejects bad parameters with the param named", async () => {
    const { customer } = await subscribedCustomer();
    const cases: [Stripe.BillingPortal.SessionCreateParams, string][] = [
      [{ return_url: "https://x" }, "customer"],
      [{ customer: "cus_missing", return_url: "https://x" }, "customer"],
      [{ customer: customer.id }, "return_url"],
      [{ customer: customer.id, return_url: "javascript:void(0)" }, "return_url"],
      [
        { customer: customer.id, return_url: "https://x", configuration: "bpc_nope" },
        "configuration",
      ],
      [
        {
          customer: customer.id,
          return_url: "https://x",
          flow_data: { type: "payment_method_update" },
        },
        "flow_data",
      ],
    ];
    for (const [params, param] of cases) {
      const err = await stripe.billingPortal.sessions.create(params).catch((e: unknown) => e);
      expect(err, param).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect((err as Stripe.errors.StripeError).param).toBe(param);
    }
    const bad = await stripe.billingPortal.configurations
      .create({ features: { subscription_update: { enabled: true } } })
      .catch((e: unknown) => e);
    expect((bad as Stripe.errors.StripeError).param).toBe("features[subscription_update][enabled]");
  });
});

describe("billing portal page", () => {
  it("shows plans, the default card and invoices, with a return link", async () => {
    const { customer, subscription } = await subscribedCustomer();
    const session = await portalFor(customer.id);
    const page = await getPage(session.url);
    expect(page.status).toBe(200);
    expect(page.html).toContain("Team plan");
    expect(page.html).toContain("$49.00 per month");
    expect(page.html).toContain("Renews on");
    expect(page.html).toMatch(/visa<\/strong> •••• 4242/);
    expect(page.html).toContain('href="https://app.example/account"');
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(page.html).toContain(`href="/i/${invoice.id}"`);
    expect(page.html).toContain(invoice.number ?? "missing");
    expect(page.html).not.toContain("<script");
  });

  it("cancels at period end after a confirmation, then renews", async () => {
    const { customer, subscription } = await subscribedCustomer();
    const session = await portalFor(customer.id);
    const confirm = await getPage(`${session.url}/cancel/${subscription.id}`);
    expect(confirm.html).toContain("Cancel your plan");
    expect(confirm.html).toContain("until the end of your billing period");
    const flash = await flashAfter(await postForm(`${session.url}/cancel/${subscription.id}`, {}));
    expect(flash).toMatch(/^Team plan will be canceled on /);
    const canceled = await stripe.subscriptions.retrieve(subscription.id);
    expect(canceled).toMatchObject({ status: "active", cancel_at_period_end: true });
    expect(canceled.cancellation_details?.reason).toBe("cancellation_requested");
    const page = await getPage(session.url);
    expect(page.html).toContain("Cancels on");
    expect(page.html).toContain("Renew plan");

    await flashAfter(await postForm(`${session.url}/renew/${subscription.id}`, {}));
    expect((await stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(false);
    const types = (await stripe.events.list({ type: "customer.subscription.updated" })).data;
    expect(types.length).toBeGreaterThanOrEqual(2);
  });

  it("cancels immediately when the configuration says so, recording the reason", async () => {
    const { customer, subscription } = await subscribedCustomer();
    const config = await stripe.billingPortal.configurations.create({
      features: {
        subscription_cancel: {
          enabled: true,
          mode: "immediately",
          cancellation_reason: { enabled: true, options: ["too_expensive", "unused"] },
        },
      },
    });
    const session = await portalFor(customer.id, config.id);
    const confirm = await getPage(`${session.url}/cancel/${subscription.id}`);
    expect(confirm.html).toContain("It&#39;s too expensive");
    expect(confirm.html).toContain("immediately");
    await flashAfter(
      await postForm(`${session.url}/cancel/${subscription.id}`, { reason: "too_expensive" }),
    );
    const canceled = await stripe.subscriptions.retrieve(subscription.id);
    expect(canceled.status).toBe("canceled");
    expect(canceled.cancellation_details?.feedback).toBe("too_expensive");
  });

  it("never touches another customer's subscription", async () => {
    const a = await subscribedCustomer("a@example.com");
    const b = await subscribedCustomer("b@example.com");
    const session = await portalFor(a.customer.id);
    expect((await getPage(`${session.url}/cancel/${b.subscription.id}`)).status).toBe(404);
    expect((await postForm(`${session.url}/cancel/${b.subscription.id}`, {})).status).toBe(404);
    expect((await stripe.subscriptions.retrieve(b.subscription.id)).cancel_at_period_end).toBe(
      false,
    );
    expect((await getPage(`${emu.url}/p/session/bps_unknown`)).status).toBe(404);
  });

  it("replaces the default card; a declined card changes nothing", async () => {
    const { customer, pm } = await subscribedCustomer();
    const session = await portalFor(customer.id);
    const declined = await flashAfter(
      await postForm(`${session.url}/payment_method`, card("4000000000000002")),
    );
    expect(declined).toBe("Your card was declined.");
    let current = await stripe.customers.retrieve(customer.id);
    expect((current as Stripe.Customer).invoice_settings.default_payment_method).toBe(pm.id);
    expect((await stripe.paymentMethods.list({ customer: customer.id })).data).toHaveLength(1);

    const ok = await flashAfter(
      await postForm(`${session.url}/payment_method`, card("5555 5555 5555 4444")),
    );
    expect(ok).toBe("Your payment method has been updated.");
    current = await stripe.customers.retrieve(customer.id);
    const dpm = (current as Stripe.Customer).invoice_settings.default_payment_method as string;
    expect(dpm).not.toBe(pm.id);
    expect((await stripe.paymentMethods.retrieve(dpm)).card?.last4).toBe("4444");
    expect((await getPage(session.url)).html).toMatch(/mastercard<\/strong> •••• 4444/);
  });

  it("asks for 3-D Secure when the new card needs it", async () => {
    const { customer, pm } = await subscribedCustomer();
    const session = await portalFor(customer.id);
    const res = await postForm(`${session.url}/payment_method`, card("4000002500003155"));
    expect(res.location).toBe(`${session.url}/auth`);
    const challenge = await getPage(res.location ?? "");
    expect(challenge.html).toContain("Complete authentication");
    expect(await flashAfter(await postForm(res.location ?? "", { action: "fail" }))).toContain(
      "unable to authenticate",
    );
    let current = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    expect(current.invoice_settings.default_payment_method).toBe(pm.id);

    const again = await postForm(`${session.url}/payment_method`, card("4000002500003155"));
    await flashAfter(await postForm(again.location ?? "", { action: "complete" }));
    current = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    const dpm = current.invoice_settings.default_payment_method as string;
    expect((await stripe.paymentMethods.retrieve(dpm)).card?.last4).toBe("3155");
  });

  it("edits billing information when the configuration allows it", async () => {
    const { customer } = await subscribedCustomer();
    const config = await stripe.billingPortal.configurations.create({
      features: {
        customer_update: { enabled: true, allowed_updates: ["email", "name", "address"] },
      },
    });
    const session = await portalFor(customer.id, config.id);
    const page = await getPage(session.url);
    expect(page.html).toContain("Billing information");
    expect(page.html).toMatch(
      /<label for="f-email">Email<\/label><input[^>]*value="owner@acme.example"/,
    );
    expect(page.html).not.toContain('name="phone"');
    const bad = await postForm(`${session.url}/customer`, { email: "nope", name: "X" });
    expect(await flashAfter(bad)).toBe("Enter a valid email address.");
    const ok = await postForm(`${session.url}/customer`, {
      email: "ap@acme.example",
      name: "Acme Payables",
      phone: "+1 555 0100",
      address_line1: "2 Market St",
      address_city: "San Francisco",
      address_postal_code: "94105",
      address_country: "us",
    });
    expect(await flashAfter(ok)).toBe("Your billing information has been updated.");
    const updated = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    expect(updated).toMatchObject({
      email: "ap@acme.example",
      name: "Acme Payables",
      phone: null,
      address: { line1: "2 Market St", country: "US" },
    });
    // Without the feature the form is absent and the endpoint refuses.
    const plain = await portalFor(customer.id);
    expect((await getPage(plain.url)).html).not.toContain("Billing information");
    expect(await flashAfter(await postForm(`${plain.url}/customer`, { name: "Z" }))).toBe(
      "Updating billing information is not available here.",
    );
  });

  it("validates the card form", async () => {
    const { customer } = await subscribedCustomer();
    const session = await portalFor(customer.id);
    const res = await postForm(`${session.url}/payment_method`, card("", {}));
    expect(await flashAfter(res)).toBe("Your card number is incomplete.");
    expect(alertText((await getPage(session.url)).html)).toBeNull();
  });
});
