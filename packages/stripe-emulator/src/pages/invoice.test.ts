import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";
import { alertText, card, getPage, postForm } from "./form-client.ts";
import { parsePdf } from "./pdf.test-utils.ts";

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "invoice-pages" } });
  stripe = emu.stripe("sk_test_invoice", { maxNetworkRetries: 0 });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(async () => {
  await emu.reset();
});

/** An open invoice with two lines, sent for manual payment (due in 30 days). */
async function openInvoice(lines = 2): Promise<Stripe.Invoice> {
  const customer = await stripe.customers.create({
    email: "billing@acme.example",
    name: "Acme Corp",
    address: { line1: "1 Market St", city: "San Francisco", postal_code: "94105", country: "US" },
  });
  for (let i = 0; i < lines; i++) {
    await stripe.invoiceItems.create({
      customer: customer.id,
      amount: 1000 * (i + 1),
      currency: "usd",
      description: `Consulting block ${i + 1}`,
    });
  }
  const draft = await stripe.invoices.create({
    customer: customer.id,
    collection_method: "send_invoice",
    days_until_due: 30,
    pending_invoice_items_behavior: "include",
  });
  return stripe.invoices.finalizeInvoice(draft.id);
}

describe("hosted invoice page", () => {
  it("shows the invoice with its lines, totals, due date and a PDF link", async () => {
    const invoice = await openInvoice();
    expect(invoice.hosted_invoice_url).toBe(`${emu.url}/i/${invoice.id}`);
    const page = await getPage(invoice.hosted_invoice_url ?? "");
    expect(page.status).toBe(200);
    expect(page.html).toContain(invoice.number ?? "missing number");
    expect(page.html).toContain("Consulting block 1");
    expect(page.html).toContain("Consulting block 2");
    expect(page.html).toContain("$30.00</h1>");
    expect(page.html).toContain("due by ");
    expect(page.html).toContain("Acme Corp");
    expect(page.html).toContain(`href="/i/${invoice.id}/pdf"`);
    expect(page.html).toContain("Download PDF");
    expect(page.html).toMatch(/<label for="[^"]+">Card number<\/label>/);
    expect(page.html).not.toContain("<script");
  });

  it("pays the invoice with a card", async () => {
    const invoice = await openInvoice();
    const res = await postForm(invoice.hosted_invoice_url ?? "", card("4242424242424242"));
    expect(res.status).toBe(303);
    expect(res.location).toBe(invoice.hosted_invoice_url);
    const paid = await stripe.invoices.retrieve(invoice.id);
    expect(paid).toMatchObject({ status: "paid", amount_paid: 3000, amount_remaining: 0 });
    const page = await getPage(invoice.hosted_invoice_url ?? "");
    expect(page.html).toContain("paid on ");
    expect(page.html).toMatch(/data-testid="paid-with">Visa •••• 4242</);
    expect(page.html).not.toContain("Card number");
    // A second submit does not charge again.
    const again = await postForm(invoice.hosted_invoice_url ?? "", card("4242424242424242"));
    expect(again.status).toBe(303);
    expect((await stripe.invoices.retrieve(invoice.id)).amount_paid).toBe(3000);
  });

  it("shows a decline and leaves the invoice open", async () => {
    const invoice = await openInvoice();
    const res = await postForm(invoice.hosted_invoice_url ?? "", card("4000000000000002"));
    expect(res.status).toBe(402);
    expect(alertText(res.html)).toBe("Your card was declined.");
    const after = await stripe.invoices.retrieve(invoice.id);
    expect(after.status).toBe("open");
    expect(after.attempt_count).toBe(1);

    const invalid = await postForm(invoice.hosted_invoice_url ?? "", card("1234"));
    expect(alertText(invalid.html)).toBe("Your card number is invalid.");
    expect((await stripe.invoices.retrieve(invoice.id)).attempt_count).toBe(1);
  });

  it("authenticates a 3-D Secure card before paying; failing keeps the invoice open", async () => {
    const invoice = await openInvoice();
    const url = invoice.hosted_invoice_url ?? "";
    const first = await postForm(url, card("4000002500003155"));
    expect(first.location).toBe(`${url}/auth`);
    const challenge = await getPage(first.location ?? "");
    expect(challenge.html).toContain("Complete authentication");
    expect(challenge.html).toContain("$30.00");
    const failed = await postForm(first.location ?? "", { action: "fail" });
    expect(failed.location).toBe(url);
    const shown = await getPage(url);
    expect(alertText(shown.html)).toContain("unable to authenticate");
    expect((await stripe.invoices.retrieve(invoice.id)).status).toBe("open");

    const second = await postForm(url, card("4000002500003155"));
    const approved = await postForm(second.location ?? "", { action: "complete" });
    expect(approved.location).toBe(url);
    const paid = await stripe.invoices.retrieve(invoice.id);
    expect(paid).toMatchObject({ status: "paid", amount_paid: 3000, amount_remaining: 0 });
    const events = await stripe.events.list({ type: "invoice.paid" });
    expect(events.data).toHaveLength(1);
  });

  it("answers 404 for unknown and draft invoices", async () => {
    expect((await getPage(`${emu.url}/i/in_missing`)).status).toBe(404);
    const customer = await stripe.customers.create({ email: "d@example.com" });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: "usd" });
    const draft = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: "include",
    });
    expect((await getPage(`${emu.url}/i/${draft.id}`)).status).toBe(404);
    expect((await getPage(`${emu.url}/i/${draft.id}/pdf`)).status).toBe(404);
  });
});

describe("invoice PDF", () => {
  it("serves a valid PDF containing the invoice number, lines and totals", async () => {
    const invoice = await openInvoice();
    expect(invoice.invoice_pdf).toBe(`${emu.url}/i/${invoice.id}/pdf`);
    const res = await fetch(invoice.invoice_pdf ?? "");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const bytes = Buffer.from(await res.arrayBuffer());
    const pdf = parsePdf(bytes);
    expect(pdf.pages).toBe(1);
    expect(pdf.text).toContain(invoice.number ?? "missing number");
    expect(pdf.text).toContain("Consulting block 2");
    expect(pdf.text).toContain("$30.00");
    expect(pdf.text).toContain("Acme Corp");
  });

  it("continues long invoices on further pages", async () => {
    const invoice = await openInvoice(45);
    const bytes = Buffer.from(await (await fetch(invoice.invoice_pdf ?? "")).arrayBuffer());
    const pdf = parsePdf(bytes);
    expect(pdf.pages).toBeGreaterThan(1);
    expect(pdf.text).toContain("Consulting block 45");
    expect(pdf.text).toContain("(continued)");
  });
});
