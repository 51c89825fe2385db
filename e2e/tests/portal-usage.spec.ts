import { request as playwrightRequest } from "@playwright/test";
import { completeSignUp, fillHostedCard } from "../support/checkout.ts";
import { callProcedure, expect, openDatabase, test, uniqueEmail } from "../support/fixtures.ts";
import { saveScreenshot } from "../support/screenshots.ts";
import type { ServerInfo } from "../support/server-info.ts";

// Issue 13: a customer buys a credit pack in Checkout, their usage is reported through the usage
// API with a server-side API key, and the Usage page shows the draw-down and the transactions.

function userIdOf(server: ServerInfo, email: string): string {
  const db = openDatabase(server);
  try {
    const row = db.prepare("select id from users where email = ?").get(email) as { id: string };
    return row.id;
  } finally {
    db.close();
  }
}

async function apiKey(server: ServerInfo): Promise<string> {
  const admin = await playwrightRequest.newContext();
  try {
    const signIn = await callProcedure(admin, server, "auth.signIn", {
      email: "admin@folio.test",
      password: "folio-demo",
    });
    expect(signIn.status()).toBe(200);
    const made = await callProcedure(admin, server, "admin.apiKeys.create", {
      name: `e2e usage ${Date.now()}`,
      scopes: ["usage:write"],
    });
    expect(made.status()).toBe(200);
    return ((await made.json()) as { result: { data: { key: string } } }).result.data.key;
  } finally {
    await admin.dispose();
  }
}

test("buy a credit pack, report usage with an API key, see the draw-down", async ({
  page,
  server,
}) => {
  const email = uniqueEmail("metered");
  await page.goto("/sign-up?redirect=/billing/usage");
  await completeSignUp(page, "Morgan Metered", email);
  await expect(page).toHaveURL(/\/billing\/usage$/);
  await expect(page.getByRole("heading", { name: "Usage", level: 1 })).toBeVisible();
  await expect(page.getByTestId("credit-balance")).toHaveText("0");

  const pack = page.getByRole("group", { name: "10,000 API credits" });
  await pack.getByRole("button", { name: "Buy for $20.00: 1 × 10,000 API credits" }).click();
  await expect(page.getByRole("heading", { name: "Your order" })).toBeVisible();
  await fillHostedCard(page, "4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay $20.00" }).click();
  // The return page confirms the session (the pack's credits with it), then shows the order.
  await expect(page).toHaveURL(/\/billing\/orders$/);

  await page.goto("/billing/usage");
  await expect(page.getByTestId("credit-balance")).toHaveText("10,000");

  // The merchant's backend reports 25 API calls (one batch) with its server-side key.
  const key = await apiKey(server);
  const customer = userIdOf(server, email);
  const backend = await playwrightRequest.newContext();
  try {
    const events = Array.from({ length: 25 }, (_, i) => ({
      customer,
      meter: "api_calls",
      idempotencyKey: `e2e-${customer}-${i}`,
    }));
    const reported = await backend.post(`${server.baseURL}/api/v1/usage/batch`, {
      headers: { authorization: `Bearer ${key}` },
      data: { events },
    });
    expect(reported.status()).toBeLessThan(300);
    // A replay of the same events changes nothing.
    const replay = await backend.post(`${server.baseURL}/api/v1/usage/batch`, {
      headers: { authorization: `Bearer ${key}` },
      data: { events },
    });
    expect(replay.status()).toBeLessThan(300);
  } finally {
    await backend.dispose();
  }

  await page.reload();
  await expect(page.getByTestId("credit-balance")).toHaveText("9,975");
  const calls = page.getByRole("group", { name: "API calls" });
  await expect(calls).toContainText("25 calls");
  await expect(calls).toContainText("Paid with credits");
  // Newest first: the 25 draw-downs fill the first page, the pack opens the second.
  const table = page.getByRole("table", { name: "Credit transactions" });
  await expect(table.getByRole("row").filter({ hasText: "Used" })).toHaveCount(25);
  await expect(table.getByRole("row").filter({ hasText: "Used" }).first()).toContainText("9,975");
  await saveScreenshot(page, "usage-after-drawdown");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(table.getByRole("row").filter({ hasText: "Credit pack" })).toContainText("+10,000");
});
