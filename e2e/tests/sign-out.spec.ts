import { request as playwrightRequest, type Cookie, type Page } from "@playwright/test";
import { folio } from "../support/cli.ts";
import { expect, signIn, test, uniqueEmail } from "../support/fixtures.ts";

async function signUp(page: Page, name: string) {
  const email = uniqueEmail("leaver");
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/billing$/);
  return email;
}

/** `auth.me` as seen by a client holding exactly these cookies. */
async function meWithCookies(baseURL: string, cookies: Cookie[]) {
  const client = await playwrightRequest.newContext({
    baseURL,
    storageState: { cookies, origins: [] },
  });
  try {
    const response = await client.get("/api/trpc/auth.me");
    return { status: response.status(), body: (await response.json()) as unknown };
  } finally {
    await client.dispose();
  }
}

test.describe("sign out", () => {
  test("signing out ends the session: the old cookie no longer works", async ({
    page,
    context,
    server,
  }) => {
    await signUp(page, "Lee Leaver");
    const cookies = await context.cookies();
    expect(cookies.length).toBeGreaterThan(0);

    // While signed in, the cookie identifies the user.
    const before = await meWithCookies(server.baseURL, cookies);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ result: { data: { user: { name: "Lee Leaver" } } } });

    await page.getByRole("button", { name: /Account menu/ }).click();
    await page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/sign-in/);

    // Replaying the saved cookie: the server no longer knows the session.
    const after = await meWithCookies(server.baseURL, cookies);
    if (after.status === 200) expect(after.body).toEqual({ result: { data: null } });
    else expect(after.status).toBe(401);

    // Even with the old cookie put back, the browser is treated as signed out.
    await context.clearCookies();
    await context.addCookies(cookies);
    await page.goto("/billing");
    await expect(page).toHaveURL(/\/sign-in\?redirect=%2Fbilling$/);
  });

  test("signing out everywhere ends the user's sessions on other devices too", async ({
    browser,
    page,
    server,
  }) => {
    const email = await signUp(page, "Eve Everywhere");

    // A second device signs in as the same user.
    const otherDevice = await browser.newContext({ baseURL: server.baseURL });
    const otherPage = await otherDevice.newPage();
    await otherPage.goto("/sign-in");
    await otherPage.getByLabel("Email").fill(email);
    await otherPage.getByLabel("Password").fill("a-long-enough-password");
    await otherPage.getByRole("button", { name: "Sign in" }).click();
    await expect(otherPage).toHaveURL(/\/billing$/);
    const otherCookies = await otherDevice.cookies();

    await page.getByRole("button", { name: /Account menu/ }).click();
    await page.getByRole("menuitem", { name: /Sign out everywhere/ }).click();
    const dialog = page.getByRole("alertdialog");
    await expect(dialog).toContainText(email);
    await dialog.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL(/\/sign-in/);

    const other = await meWithCookies(server.baseURL, otherCookies);
    if (other.status === 200) expect(other.body).toEqual({ result: { data: null } });
    else expect(other.status).toBe(401);

    await otherPage.goto("/billing/credit");
    await expect(otherPage).toHaveURL(/\/sign-in\?redirect=%2Fbilling%2Fcredit$/);
    await otherDevice.close();
  });

  test("a session ended elsewhere sends the open app to sign in, keeping the page", async ({
    page,
    browser,
    server,
  }) => {
    // Own admin account: ending the demo admin's sessions would disturb parallel tests.
    const email = uniqueEmail("admin");
    const password = "a-long-enough-password";
    folio(server, ["user:create", "--email", email, "--role", "admin", "--password", password]);
    await signIn(page, email, password);
    await expect(page).toHaveURL(/\/admin$/);

    const otherDevice = await browser.newContext({ baseURL: server.baseURL });
    const otherPage = await otherDevice.newPage();
    await signIn(otherPage, email, password);
    await otherPage.getByRole("button", { name: /Account menu/ }).click();
    await otherPage.getByRole("menuitem", { name: /Sign out everywhere/ }).click();
    await otherPage
      .getByRole("alertdialog")
      .getByRole("button", { name: "Sign out everywhere" })
      .click();
    await expect(otherPage).toHaveURL(/\/sign-in/);
    await otherDevice.close();

    // Client-side navigation: the cached session still says "signed in", so it is the staff
    // list query's UNAUTHORIZED answer that must send this tab to sign in.
    await page
      .getByRole("navigation", { name: "Admin" })
      .getByRole("link", { name: "Staff" })
      .click();
    await expect(page).toHaveURL(/\/sign-in\?redirect=%2Fadmin%2Fstaff$/);
    await expect(page.getByText("Your session has ended")).toBeVisible();
  });
});
