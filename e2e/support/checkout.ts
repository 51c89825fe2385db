import type { Page } from "@playwright/test";
import { expect } from "./fixtures.ts";

/** Fills the emulator's hosted card fields (checkout, setup and invoice pages share them). */
export async function fillHostedCard(page: Page, number: string) {
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiration (MM / YY)").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Cardholder name").fill("Casey Customer");
}

/** Fills the hosted page's shipping address with a US address. */
export async function fillHostedShipping(page: Page) {
  const address = page.getByRole("group", { name: "Shipping address" });
  await address.getByLabel("Full name").fill("Casey Customer");
  await address.getByLabel("Country").selectOption({ label: "United States" });
  await address.getByLabel("Address line 1").fill("1 Paper Lane");
  await address.getByLabel("City").fill("Portland");
  await address.getByLabel(/State/).fill("OR");
  await address.getByLabel("Postal code").fill("97201");
}

/** Completes the sign-up form the app is showing and waits to leave it. */
export async function completeSignUp(page: Page, name: string, email: string) {
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).not.toHaveURL(/\/sign-up/);
}
