import { describe, expect, it } from "vitest";
import type { Brand } from "./brand.ts";
import { renderEmail } from "./render.ts";

const brand: Brand = {
  name: "Acme Tools",
  primaryColor: "#0a7c59",
  locale: "de-DE",
  timeZone: "Europe/Berlin",
  appUrl: "https://billing.acme.test",
  supportEmail: "help@acme.test",
};
const at = new Date("2026-03-05T10:00:00Z");

describe("renderEmail", () => {
  it("order confirmation lists items, totals and the address in the merchant's locale and colour", async () => {
    const mail = await renderEmail(
      "order_confirmation",
      {
        customerName: "Ada",
        orderNumber: "A-1001",
        placedAt: at,
        currency: "eur",
        items: [
          { description: "Folio mug", quantity: 2, amountTotal: 2400 },
          { description: "Sticker pack", quantity: 1, amountTotal: 350 },
        ],
        subtotal: 2750,
        discount: 250,
        shipping: 490,
        tax: 0,
        total: 2990,
        shippingAddress: {
          name: "Ada Lovelace",
          line1: "Hauptstraße 1",
          line2: null,
          city: "Berlin",
          state: null,
          postalCode: "10115",
          country: "DE",
        },
        orderUrl: "https://billing.acme.test/billing/orders",
      },
      brand,
    );
    expect(mail.subject).toBe("Acme Tools: order A-1001 confirmed");
    expect(mail.html).toContain("#0a7c59");
    expect(mail.html).toContain("Acme Tools");
    // Intl puts a no-break space between the amount and the € sign.
    for (const text of [mail.html, mail.text].map((t) => t.replace(/\u00a0/g, " "))) {
      expect(text).toContain("2 × Folio mug");
      expect(text).toContain("24,00 €");
      expect(text).toContain("29,90 €");
      expect(text).toContain("−2,50 €");
      expect(text).toContain("10115 Berlin");
      expect(text).toContain("5. März 2026");
    }
    expect(mail.text).not.toContain("<");
    expect(mail.text).toContain("help@acme.test");
    // Plain text keeps each item and total on a line of its own, label then amount.
    const lines = mail.text.replace(/\u00a0/g, " ").split("\n");
    expect(lines.some((l) => /^2 × Folio mug\s+24,00 €$/.test(l.trim()))).toBe(true);
    expect(lines.some((l) => /^Total paid\s+29,90 €$/.test(l.trim()))).toBe(true);
  });

  it("payment failed names the amount and links to the recovery page", async () => {
    const mail = await renderEmail(
      "payment_failed",
      {
        customerName: null,
        amount: 1900,
        currency: "usd",
        nextAttemptAt: new Date("2026-03-08T10:00:00Z"),
        fixUrl: "https://billing.acme.test/billing/recovery",
      },
      { ...brand, locale: "en-US", supportEmail: null },
    );
    expect(mail.subject).toBe("Acme Tools: your payment of $19.00 failed");
    expect(mail.html).toContain('href="https://billing.acme.test/billing/recovery"');
    expect(mail.text).toContain("March 8, 2026");
    expect(mail.text).toContain("Hello,");
    expect(mail.text).not.toContain("Questions?");
  });

  it("zero-decimal money stays whole", async () => {
    const mail = await renderEmail(
      "refund_issued",
      { customerName: "Kenji", orderNumber: null, amount: 1500, currency: "jpy", refundedAt: at },
      { ...brand, locale: "en-US" },
    );
    expect(mail.subject).toBe("Acme Tools: ¥1,500 refunded");
    expect(mail.text).not.toContain("for order");
  });

  it("trial ending, subscription change and credit say what happens and when", async () => {
    const en = { ...brand, locale: "en-US", timeZone: "UTC" };
    const trial = await renderEmail(
      "trial_ending",
      {
        customerName: "Ada",
        planName: "Pro",
        trialEndsAt: at,
        amount: 4900,
        currency: "usd",
        billingUrl: "https://billing.acme.test/billing",
      },
      en,
    );
    expect(trial.subject).toBe("Acme Tools: your trial ends on March 5, 2026");
    expect(trial.text).toContain("we charge $49.00");

    const cancel = await renderEmail(
      "subscription_changed",
      {
        customerName: "Ada",
        change: "cancel_scheduled",
        planName: "Pro",
        effectiveAt: at,
        billingUrl: "https://billing.acme.test/billing",
      },
      en,
    );
    expect(cancel.subject).toBe("Acme Tools: your subscription is cancelled");
    expect(cancel.text).toContain("ends on March 5, 2026");

    const ended = await renderEmail(
      "subscription_changed",
      {
        customerName: "Ada",
        change: "canceled",
        planName: "Pro",
        effectiveAt: at,
        billingUrl: "x",
      },
      en,
    );
    expect(ended.text).toContain("ended on March 5, 2026");
    expect(ended.text).toContain("Subscribe again");

    const credit = await renderEmail(
      "credit_granted",
      {
        customerName: "Ada",
        amount: 1000,
        currency: "usd",
        balance: 2500,
        reason: "Sorry for the outage",
        billingUrl: "https://billing.acme.test/billing",
      },
      en,
    );
    expect(credit.text).toContain("$10.00 of credit");
    expect(credit.text).toContain("$25.00");
    expect(credit.text).toContain("Sorry for the outage");
  });

  it("usage alerts say what is left, or that credits are gone", async () => {
    const usageUrl = "https://billing.acme.test/billing/usage";
    const low = await renderEmail(
      "low_balance",
      { customerName: "Ada", balance: 1200, threshold: 2000, usageUrl },
      brand,
    );
    expect(low.subject).toBe("Acme Tools: 1.200 credits left");
    expect(low.text).toContain("fell below 2.000 credits");
    expect(low.html).toContain(`href="${usageUrl}"`);
    const empty = await renderEmail(
      "low_balance",
      { customerName: null, balance: 0, threshold: 20, usageUrl },
      brand,
    );
    expect(empty.subject).toBe("Acme Tools: you are out of credits");
    expect(empty.text).toContain("Buy credits");
  });

  it("shipped mail links the carrier's tracking page", async () => {
    const mail = await renderEmail(
      "order_shipped",
      {
        customerName: "Ada",
        orderNumber: "A-1001",
        shippedAt: at,
        carrier: "DHL",
        trackingNumber: "JD0123",
        trackingUrl: "https://track.example/JD0123",
        orderUrl: "https://billing.acme.test/billing/orders",
      },
      brand,
    );
    expect(mail.html).toContain('href="https://track.example/JD0123"');
    expect(mail.text).toContain("DHL");
    expect(mail.text).toContain("JD0123");
  });

  it("account e-mails carry their link in HTML and plain text, with the expiry", async () => {
    const url = "https://billing.acme.test/reset-password?token=abc123";
    const en = { ...brand, locale: "en-US", timeZone: "UTC" };
    const reset = await renderEmail(
      "password_reset",
      { name: "Ada", url, expiresAt: new Date("2026-03-05T10:30:00Z") },
      en,
    );
    expect(reset.subject).toBe("Reset your Acme Tools password");
    expect(reset.text).toContain(url);
    expect(reset.html).toContain(`href="${url}"`);
    expect(reset.text).toContain("10:30");

    const change = await renderEmail(
      "email_change",
      { name: "Ada", newEmail: "ada@new.test", url, expiresAt: at },
      en,
    );
    expect(change.text).toContain("Confirm that ada@new.test");

    const invite = await renderEmail(
      "staff_invitation",
      { name: null, invitedBy: "Grace", role: "support", url, expiresAt: at },
      en,
    );
    expect(invite.subject).toBe("Grace invited you to Acme Tools");
    expect(invite.text).toContain("as support");
    expect(invite.text).toContain(url);
  });
});
