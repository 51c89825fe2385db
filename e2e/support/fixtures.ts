import { randomUUID } from "node:crypto";
import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import Database from "better-sqlite3";
import { readServerInfo, type ServerInfo } from "./server-info.ts";

export { expect };

export const DEMO_PASSWORD = "folio-demo";

export const test = base.extend<object, { server: ServerInfo }>({
  server: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
    async ({}, use) => {
      await use(readServerInfo());
    },
    { scope: "worker" },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.baseURL);
  },
});

export function uniqueEmail(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

/** Signs in through the real form and waits until the app has left the sign-in page. */
export async function signInWithForm(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await signInWithForm(page, email, password);
}

/**
 * Calls a tRPC procedure the way any HTTP client would: queries as GET with `?input=`,
 * mutations as POST with a JSON body. Non-browser clients must send Origin (CSRF guard).
 */
export async function callProcedure(
  request: APIRequestContext,
  server: ServerInfo,
  path: string,
  input?: unknown,
  method: "GET" | "POST" = "POST",
) {
  const url = `${server.baseURL}/api/trpc/${path}`;
  if (method === "GET") {
    const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return request.get(url + query);
  }
  return request.post(url, { data: input ?? {}, headers: { origin: server.baseURL } });
}

/** Opens the server's database read-only; tests look, never touch. */
export function openDatabase(server: ServerInfo): Database.Database {
  return new Database(server.databasePath, { readonly: true, fileMustExist: true });
}
