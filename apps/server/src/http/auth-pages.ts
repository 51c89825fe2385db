/**
 * The public auth pages. The web build has a light entry (auth.html) for them, without the
 * SPA's router and data layer; the server answers these paths with that page and every other
 * page path with the SPA. The web app maps each path to its page component.
 */
export const AUTH_PAGE_PATHS = [
  "/sign-in",
  "/sign-up",
  "/forgot-password",
  "/reset-password",
  "/accept-invitation",
  "/confirm-email",
] as const;

export type AuthPagePath = (typeof AUTH_PAGE_PATHS)[number];

export function isAuthPagePath(path: string): path is AuthPagePath {
  return (AUTH_PAGE_PATHS as readonly string[]).includes(path);
}
