/**
 * Sets the tab title (React 19 hoists <title> into <head>), so history entries and screen
 * readers name the page.
 */
export function DocumentTitle({ title }: { title?: string }) {
  return <title>{title ? `${title} · Folio` : "Folio"}</title>;
}
