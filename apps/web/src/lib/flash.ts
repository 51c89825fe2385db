// A notice that survives one full page load: signing in, signing out and an ended session move
// between the sign-in entry and the SPA by loading the other page, which then shows it.

const KEY = "folio-flash";

export interface Flash {
  kind: "success" | "info";
  message: string;
}

export function setFlash(flash: Flash): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(flash));
  } catch {
    // Storage can be blocked (privacy mode); the notice is a courtesy.
  }
}

/** The pending notice, if any, removed so it shows once. */
export function takeFlash(): Flash | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    if (!raw) return undefined;
    const flash = JSON.parse(raw) as Partial<Flash>;
    return (flash.kind === "success" || flash.kind === "info") && typeof flash.message === "string"
      ? { kind: flash.kind, message: flash.message }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Loads `href` as a new document (the other entry), showing `flash` there. */
export function loadPage(
  href: string,
  { flash, replace = false }: { flash?: Flash; replace?: boolean } = {},
): Promise<never> {
  if (flash) setFlash(flash);
  if (replace) window.location.replace(href);
  else window.location.assign(href);
  // The page is being replaced: callers stay pending until it is.
  return new Promise<never>(() => undefined);
}
