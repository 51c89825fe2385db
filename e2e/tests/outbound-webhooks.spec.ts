import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { completeSignUp, fillHostedCard, fillHostedShipping } from "../support/checkout.ts";
import { expect, signIn, test, uniqueEmail } from "../support/fixtures.ts";

// Issue 11, item 5 (the merchant's Make scenario): an admin registers a webhook endpoint in the
// console, a customer pays a checkout, and the receiver gets a signed order.paid that verifies
// with the README's algorithm; the console's delivery log shows it delivered.

/** The README's check, written out here. */
function verifies(header: string, body: string, secret: string): boolean {
  const fields = header.split(",").map((kv) => kv.trim().split("="));
  const t = Number(fields.find(([k]) => k === "t")?.[1]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  return fields.some(
    ([k, v]) =>
      k === "v1" &&
      v !== undefined &&
      v.length === expected.length * 2 &&
      timingSafeEqual(Buffer.from(v, "hex"), expected),
  );
}

test("an admin registers an endpoint; a paid checkout delivers a signed order.paid to it", async ({
  browser,
}) => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end("Accepted");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/make/${uniqueEmail("hook")}`;

  const admin = await (await browser.newContext()).newPage();
  const customer = await (await browser.newContext()).newPage();
  try {
    await signIn(admin, "admin@folio.test");
    await admin.goto("/admin/outbound-webhooks");
    await admin.getByRole("button", { name: "Add endpoint" }).click();
    await admin.getByLabel("Endpoint URL").fill(url);
    await admin.getByLabel("Description (optional)").fill("Make scenario: paid orders");
    await admin.getByRole("dialog").getByRole("button", { name: "Add endpoint" }).click();
    const secret = (await admin.getByTestId("endpoint-secret").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await admin.getByRole("button", { name: "Done" }).click();

    const email = uniqueEmail("maker");
    await customer.goto("/sign-up?redirect=/billing/shop");
    await completeSignUp(customer, "Morgan Maker", email);
    await customer
      .getByRole("group", { name: "A5 Dot-Grid Notebook" })
      .getByRole("button", { name: /^Buy for / })
      .click();
    await fillHostedShipping(customer);
    await fillHostedCard(customer, "4242 4242 4242 4242");
    await customer.getByRole("button", { name: /^Pay \$/ }).click();
    await expect(customer).toHaveURL(/\/billing\/orders/);

    await expect
      .poll(() => received.filter((r) => r.body.includes(email)).length, { timeout: 20_000 })
      .toBe(1);
    const delivery = received.find((r) => r.body.includes(email))!;
    const event = JSON.parse(delivery.body) as {
      type: string;
      data: { object: { email: string } };
    };
    expect(event.type).toBe("order.paid");
    expect(event.data.object.email).toBe(email);
    expect(verifies(String(delivery.headers["folio-signature"]), delivery.body, secret)).toBe(true);

    await admin.reload();
    const row = admin.getByRole("row").filter({ hasText: url });
    await expect(row.getByText("order.paid")).toBeVisible();
    await expect(row.getByText("Delivered")).toBeVisible();

    // Leave the shared server without an endpoint pointing at a receiver that is going away.
    await admin
      .getByRole("listitem")
      .filter({ hasText: url })
      .getByRole("button", { name: "Disable" })
      .click();
    await expect(
      admin.getByRole("listitem").filter({ hasText: url }).getByText("Disabled"),
    ).toBeVisible();
  } finally {
    await admin.context().close();
    await customer.context().close();
    receiver.close();
  }
});
