import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";
import { getPage } from "../pages/form-client.ts";

// Gaps an SDK-only review found (issue 14), each checked through the official SDK.
let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "fidelity" } });
  stripe = emu.stripe("sk_test_fidelity", { maxNetworkRetries: 0 });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(async () => {
  await emu.reset();
});

describe("expand[]", () => {
  it("answers 400 naming a property that cannot be expanded, as Stripe does", async () => {
    const customer = await stripe.customers.create({
      email: "x@example.com",
      metadata: { a: "1" },
    });
    for (const path of ["email", "metadata", "balance", "nonexistent", "invoice_settings"]) {
      await expect(
        stripe.customers.retrieve(customer.id, { expand: [path] }),
      ).rejects.toMatchObject({
        statusCode: 400,
        param: "expand",
        message: `This property cannot be expanded (${path}).`,
      });
    }
    const pi = await stripe.paymentIntents.create({
      amount: 500,
      currency: "usd",
      customer: customer.id,
    });
    await expect(
      stripe.paymentIntents.retrieve(pi.id, { expand: ["customer.email"] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: "This property cannot be expanded (customer.email).",
    });
    // Expandable fields still expand, and a null one is left null.
    const expanded = await stripe.paymentIntents.retrieve(pi.id, {
      expand: ["customer", "payment_method", "latest_charge"],
    });
    expect((expanded.customer as Stripe.Customer).email).toBe("x@example.com");
    expect(expanded.payment_method).toBeNull();
    const list = await stripe.paymentIntents.list({ expand: ["data.customer"] });
    expect((list.data[0]?.customer as Stripe.Customer).id).toBe(customer.id);
    await expect(stripe.paymentIntents.list({ expand: ["data.amount"] })).rejects.toMatchObject({
      statusCode: 400,
      message: "This property cannot be expanded (data.amount).",
    });
  });
});

describe("money on hosted pages", () => {
  async function hostedInvoice(currency: string, amount: number): Promise<string> {
    const customer = await stripe.customers.create({ email: `${currency}@example.com` });
    await stripe.invoiceItems.create({ customer: customer.id, amount, currency });
    const draft = await stripe.invoices.create({
      customer: customer.id,
      collection_method: "send_invoice",
      days_until_due: 30,
      pending_invoice_items_behavior: "include",
    });
    const invoice = await stripe.invoices.finalizeInvoice(draft.id);
    return (await getPage(invoice.hosted_invoice_url ?? "")).html;
  }

  it("shows zero-, two- and three-decimal currencies in their own units", async () => {
    const kwd = await hostedInvoice("kwd", 5124);
    expect(kwd).toContain("KWD\u00a05.124");
    expect(kwd).not.toContain("51.24");
    expect(await hostedInvoice("jpy", 500)).toContain("¥500<");
    expect(await hostedInvoice("usd", 1500)).toContain("$15.00<");
  });
});

describe("allowed_payment_method_types", () => {
  it("is stored on payment intents, and payment_method_types keeps the compatible subset", async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "eur",
      allowed_payment_method_types: ["card", "sepa_debit"],
    });
    expect(pi.allowed_payment_method_types).toEqual(["card", "sepa_debit"]);
    expect(pi.payment_method_types).toEqual(["card"]);
    expect(pi.automatic_payment_methods).toBeNull();
    expect(await stripe.paymentIntents.retrieve(pi.id)).toEqual(pi);
    const confirmed = await stripe.paymentIntents.confirm(pi.id, {
      payment_method: "pm_card_visa",
    });
    expect(confirmed.status).toBe("succeeded");

    const updated = await stripe.paymentIntents.update(
      (await stripe.paymentIntents.create({ amount: 500, currency: "usd" })).id,
      { allowed_payment_method_types: ["card"] },
    );
    expect(updated.allowed_payment_method_types).toEqual(["card"]);
    expect(updated.automatic_payment_methods).toBeNull();

    const atConfirm = await stripe.paymentIntents.confirm(
      (await stripe.paymentIntents.create({ amount: 700, currency: "usd" })).id,
      { payment_method: "pm_card_visa", allowed_payment_method_types: ["card", "paypal"] },
    );
    expect(atConfirm).toMatchObject({
      status: "succeeded",
      allowed_payment_method_types: ["card", "paypal"],
      payment_method_types: ["card"],
    });
  });

  it("is stored on setup intents", async () => {
    const si = await stripe.setupIntents.create({ allowed_payment_method_types: ["card", "link"] });
    expect(si.allowed_payment_method_types).toEqual(["card", "link"]);
    expect(si.payment_method_types).toEqual(["card"]);
    expect(await stripe.setupIntents.retrieve(si.id)).toEqual(si);
    const plain = await stripe.setupIntents.create({});
    expect(plain.allowed_payment_method_types).toBeNull();
    const updated = await stripe.setupIntents.update(plain.id, {
      allowed_payment_method_types: ["card"],
    });
    expect(updated.allowed_payment_method_types).toEqual(["card"]);
    const confirmed = await stripe.setupIntents.confirm((await stripe.setupIntents.create({})).id, {
      payment_method: "pm_card_visa",
      allowed_payment_method_types: ["card"],
    });
    expect(confirmed).toMatchObject({
      status: "succeeded",
      allowed_payment_method_types: ["card"],
    });
  });

  it("is exclusive with automatic_payment_methods, and needs a type the emulator has", async () => {
    await expect(
      stripe.paymentIntents.create({
        amount: 1000,
        currency: "usd",
        allowed_payment_method_types: ["card"],
        automatic_payment_methods: { enabled: true },
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: "parameters_exclusive" });
    await expect(
      stripe.setupIntents.create({
        allowed_payment_method_types: ["card"],
        automatic_payment_methods: { enabled: true },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: "automatic_payment_methods" });
    await expect(
      stripe.paymentIntents.create({
        amount: 1000,
        currency: "eur",
        allowed_payment_method_types: ["sepa_debit"],
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: "allowed_payment_method_types" });
  });
});

describe("search endpoints", () => {
  it("searches invoices with the query language the other searches take", async () => {
    const a = await stripe.customers.create({ email: "a@example.com" });
    const b = await stripe.customers.create({ email: "b@example.com" });
    const invoiceFor = async (customer: string, amount: number, team: string) => {
      await stripe.invoiceItems.create({ customer, amount, currency: "usd" });
      const draft = await stripe.invoices.create({
        customer,
        collection_method: "send_invoice",
        days_until_due: 30,
        pending_invoice_items_behavior: "include",
        metadata: { team },
      });
      return stripe.invoices.finalizeInvoice(draft.id);
    };
    const big = await invoiceFor(a.id, 5000, "red");
    const small = await invoiceFor(b.id, 700, "blue");
    await stripe.invoices.create({ customer: b.id, metadata: { team: "blue" } });

    const ids = async (query: string) =>
      (await stripe.invoices.search({ query })).data.map((i) => i.id);
    expect(await ids(`customer:'${a.id}'`)).toEqual([big.id]);
    expect(await ids("status:'open' AND total>1000")).toEqual([big.id]);
    expect(await ids("metadata['team']:'blue' AND status:'open'")).toEqual([small.id]);
    expect(await ids("-status:'draft'")).toEqual([small.id, big.id]);
    const page = await stripe.invoices.search({ query: "status:'open'", limit: 1 });
    expect(page).toMatchObject({
      object: "search_result",
      has_more: true,
      url: "/v1/invoices/search",
    });
    const seen: string[] = [];
    for await (const i of stripe.invoices.search({ query: "status:'open'", limit: 1 })) {
      seen.push(i.id);
    }
    expect(seen).toEqual([small.id, big.id]);
    await expect(stripe.invoices.search({ query: "status:'open' AND" })).rejects.toMatchObject({
      statusCode: 400,
      param: "query",
    });
  });

  it("every resource's /search is a search or a 404 saying it is not emulated", async () => {
    const bases = emu.core.apiRoutes
      .map((c) => c.route)
      .filter((r) => r.method === "GET" && /^\/v1\/[a-z_/]+\/:id$/.test(r.path))
      .map((r) => r.path.slice(0, -"/:id".length));
    expect(bases).toContain("/v1/refunds");
    const searchable = new Set(
      emu.core.apiRoutes.filter((c) => c.route.path.endsWith("/search")).map((c) => c.route.path),
    );
    expect(searchable).toContain("/v1/invoices/search");
    for (const base of new Set(bases)) {
      const path = `${base}/search`;
      const query = encodeURIComponent("metadata['x']:'y'");
      const answer = stripe.rawRequest("GET", `${path}?query=${query}`, {});
      if (searchable.has(path)) {
        await expect(answer).resolves.toMatchObject({ object: "search_result", data: [] });
      } else {
        await expect(answer, path).rejects.toMatchObject({
          statusCode: 404,
          message: expect.stringMatching(
            /^Unrecognized request URL \(GET: .*\/search\)\. This endpoint is not emulated/,
          ) as unknown,
        });
      }
    }
  });
});

describe("test payment method tokens", () => {
  it("name the same card wherever one request accepts them", async () => {
    const customer = await stripe.customers.create({
      email: "token@example.com",
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    });
    const pm = customer.invoice_settings.default_payment_method as string;
    expect(pm).toMatch(/^pm_(?!card_)/);
    const attached = await stripe.customers.listPaymentMethods(customer.id);
    expect(attached.data.map((m) => m.id)).toEqual([pm]);
    expect(attached.data[0]?.card?.last4).toBe("4242");

    // Each request makes its own card: a token from an earlier request is not attached.
    await expect(
      stripe.customers.update(customer.id, {
        invoice_settings: { default_payment_method: "pm_card_mastercard" },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: "invoice_settings[default_payment_method]" });
    const two = await stripe.customers.create({
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    });
    expect(two.invoice_settings.default_payment_method).not.toBe(pm);
  });
});

describe("error codes", () => {
  it("are Stripe's documented ones, or absent", async () => {
    const customer = await stripe.customers.create({ email: "codes@example.com" });
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => "no error",
        (e: { code?: string }) => e.code ?? null,
      );
    const raw = (path: string, body: Record<string, string>) =>
      stripe.rawRequest("POST", path, body);
    expect(await codeOf(raw("/v1/payment_intents", { amount: "ten", currency: "usd" }))).toBe(
      "parameter_invalid_integer",
    );
    expect(await codeOf(raw("/v1/payment_intents", { currency: "usd" }))).toBe("parameter_missing");
    expect(await codeOf(raw("/v1/customers", { colour: "red" }))).toBe("parameter_unknown");
    expect(
      await codeOf(stripe.coupons.create({ amount_off: 100, percent_off: 10, currency: "usd" })),
    ).toBe("parameters_exclusive");
    // A range or enum violation has no documented code: Stripe sends none.
    expect(await codeOf(raw("/v1/payment_intents", { amount: "0", currency: "usd" }))).toBeNull();
    expect(
      await codeOf(raw(`/v1/customers/${customer.id}`, { tax_exempt: "sometimes" })),
    ).toBeNull();

    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      payment_method: "pm_card_visa",
      confirm: true,
    });
    await stripe.refunds.create({ payment_intent: pi.id });
    expect(await codeOf(stripe.refunds.create({ payment_intent: pi.id }))).toBe(
      "charge_already_refunded",
    );
    await stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: "usd" });
    const draft = await stripe.invoices.create({
      customer: customer.id,
      collection_method: "send_invoice",
      days_until_due: 7,
      pending_invoice_items_behavior: "include",
    });
    const open = await stripe.invoices.finalizeInvoice(draft.id);
    expect(await codeOf(stripe.invoices.del(open.id))).toBe("invoice_not_editable");
    await stripe.invoices.pay(open.id, { paid_out_of_band: true });
    // Stripe: a plain 400 "Invoice is already paid." without a code.
    await expect(stripe.invoices.pay(open.id)).rejects.toMatchObject({
      statusCode: 400,
      message: "Invoice is already paid.",
      code: undefined,
    });
  });
});
