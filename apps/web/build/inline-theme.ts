import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";

const SOURCE = fileURLToPath(new URL("../theme-init.js", import.meta.url));
const PLACEHOLDER = '<script data-inline="theme-init.js"></script>';

/**
 * Writes theme-init.js into the pages' <head> as an inline script: it must run before first
 * paint, and as a file it was a render-blocking request of its own (~170 ms on a phone over
 * slow 4G). The server allows exactly this script by its hash in the CSP (inlineScriptHashes).
 */
export function inlineThemeScript(): Plugin {
  return {
    name: "folio:inline-theme",
    transformIndexHtml(html) {
      if (!html.includes(PLACEHOLDER)) return html;
      return html.replace(
        PLACEHOLDER,
        () => `<script>${readFileSync(SOURCE, "utf8").trim()}</script>`,
      );
    },
  };
}
