import { folio } from "../support/cli.ts";
import { expect, signIn, test, uniqueEmail } from "../support/fixtures.ts";

const PASSWORD = "a-long-enough-password";

test.describe("staff management", () => {
  test("an admin disables a staff account (it can no longer sign in) and enables it again", async ({
    page,
    browser,
    server,
  }) => {
    // A dedicated account, so other tests signing in as demo staff are unaffected.
    const email = uniqueEmail("dana");
    folio(server, [
      "user:create",
      ...["--email", email, "--role", "support", "--name", "Dana Disabled", "--password", PASSWORD],
    ]);

    await signIn(page, "admin@folio.test");
    await page.goto("/admin/staff");
    const row = page.getByRole("row", { name: new RegExp(email) });
    await expect(row).toContainText("Active");

    await row.getByRole("button", { name: "Disable Dana Disabled" }).click();
    const dialog = page.getByRole("alertdialog");
    await expect(dialog).toContainText(email);
    await dialog.getByRole("button", { name: "Disable account" }).click();
    await expect(row).toContainText("Disabled");

    const dana = await browser.newContext({ baseURL: server.baseURL });
    const danaPage = await dana.newPage();
    await danaPage.goto("/sign-in");
    await danaPage.getByLabel("Email").fill(email);
    await danaPage.getByLabel("Password").fill(PASSWORD);
    await danaPage.getByRole("button", { name: "Sign in" }).click();
    await expect(danaPage.getByRole("alert")).toContainText("disabled");

    await row.getByRole("button", { name: "Enable Dana Disabled" }).click();
    await expect(row).toContainText("Active");

    await danaPage.getByLabel("Password").fill(PASSWORD);
    await danaPage.getByRole("button", { name: "Sign in" }).click();
    await expect(danaPage).toHaveURL(/\/admin$/);
    await dana.close();
  });
});
