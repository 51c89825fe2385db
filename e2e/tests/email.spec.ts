import { completeSignUp, fillHostedCard, fillHostedShipping } from "../support/checkout.ts";
import { expect, signIn, signInWithForm, test, uniqueEmail } from "../support/fixtures.ts";
import { signUpCustomer, waitForRow } from "../support/portal-customer.ts";
import { saveScreenshot } from "../support/screenshots.ts";

// Issue 11: e-mails. The e2e server has no SMTP_URL, so Folio's built-in catcher keeps every
// e-mail and admins read them on the Sent mail page.

test.describe("e-mail", () => {
  test("a checkout produces an order confirmation on the Sent mail page", async ({
    page,
    browser,
    server,
  }) => {
    const email = uniqueEmail("mailed");
    await page.goto("/sign-up?redirect=/billing/shop");
    await completeSignUp(page, "Morgan Mailed", email);
    const notebook = page.getByRole("group", { name: "A5 Dot-Grid Notebook" });
    await notebook.getByRole("button", { name: /^Buy for \$24\.00/ }).click();
    await fillHostedShipping(page);
    await fillHostedCard(page, "4242 4242 4242 4242");
    await page.getByRole("button", { name: "Pay $24.00" }).click();
    await expect(page).toHaveURL(/\/billing\/orders/);

    // The e-mail job runs within seconds of the order's webhook.
    await waitForRow(
      server,
      "select id from caught_mail where to_addresses = ? and subject like '%confirmed'",
      [email],
      "the order confirmation",
    );
    const admin = await browser.newPage({ baseURL: server.baseURL });
    await signIn(admin, "admin@folio.test");
    await admin.goto(`/admin/mail?to=${encodeURIComponent(email)}`);
    const subject = admin.getByRole("link", { name: /order .+ confirmed/ });
    await expect(subject).toBeVisible();
    await subject.click();
    const frame = admin.frameLocator('iframe[title^="HTML of"]');
    await expect(frame.getByRole("heading", { name: "Thank you for your order" })).toBeVisible();
    await expect(frame.getByText("1 × A5 Dot-Grid Notebook")).toBeVisible();
    await expect(frame.getByText("1 Paper Lane")).toBeVisible();
    await admin.getByRole("tab", { name: "Plain text" }).click();
    await expect(admin.getByRole("tabpanel")).toContainText("Total paid");
    await saveScreenshot(admin, "sent-mail-order-confirmation");
    await admin.close();
  });

  test("forgot password: the e-mailed link sets a new password once", async ({
    page,
    browser,
    server,
  }) => {
    const { email } = await signUpCustomer(page, server, "forgetful");
    const visitor = await browser.newPage({ baseURL: server.baseURL });
    await visitor.goto("/sign-in");
    await visitor.getByRole("link", { name: "Forgot password?" }).click();
    await expect(visitor).toHaveURL(/\/forgot-password$/);
    await visitor.getByLabel("Email").fill(email);
    await visitor.getByRole("button", { name: "Send the reset link" }).click();
    await expect(visitor.getByRole("status")).toContainText(`If ${email} has a Folio account`);

    const mail = await waitForRow<{ text: string }>(
      server,
      "select text from caught_mail where to_addresses = ? and subject like 'Reset your%'",
      [email],
      "the reset e-mail",
    );
    const link = new URL(/https?:\/\/\S+\/reset-password\?token=[\w-]+/.exec(mail.text)![0]);
    await visitor.goto(link.pathname + link.search);
    await visitor.getByLabel("New password").fill("a brand new passphrase");
    await visitor.getByRole("button", { name: "Save the new password" }).click();
    await expect(visitor).toHaveURL(/\/sign-in$/);
    await expect(visitor.getByText(/Your password is changed/)).toBeVisible();
    await signInWithForm(visitor, email, "a brand new passphrase");
    await expect(visitor).toHaveURL(/\/billing/);

    // The customer's other session (the sign-up page) was signed out by the reset.
    await page.reload();
    await expect(page).toHaveURL(/\/sign-in/);

    // The link is spent.
    await visitor.goto(link.pathname + link.search);
    await visitor.getByLabel("New password").fill("yet another passphrase");
    await visitor.getByRole("button", { name: "Save the new password" }).click();
    await expect(visitor.getByRole("alert")).toContainText("expired or was already used");
    await visitor.close();
  });
});
