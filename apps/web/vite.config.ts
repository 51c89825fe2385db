import { fileURLToPath } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { authEntry } from "./build/auth-entry.ts";
import { inlineThemeScript } from "./build/inline-theme.ts";
import { precompress } from "./build/precompress.ts";
import { trpcBrowser } from "./build/trpc-browser.ts";

// In development the SPA and the API must share an origin so the session cookie (SameSite=Lax,
// HttpOnly) is sent with every tRPC call; the dev server forwards API traffic to Fastify.
const apiTarget = "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react(), tailwindcss(), trpcBrowser(), authEntry(), inlineThemeScript(), precompress()],
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  build: {
    // The bundle budget (build/bundle-budget.ts) reads what each route downloads from here.
    manifest: true,
    // Browsers without native modulepreload (Safari < 17) still load every chunk, only without
    // the early fetch; the polyfill cost every first visit bytes for them.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // The SPA, and the light entry of the public auth pages (no router or react-query).
      input: {
        index: fileURLToPath(new URL("./index.html", import.meta.url)),
        auth: fileURLToPath(new URL("./auth.html", import.meta.url)),
      },
      preserveEntrySignatures: false,
      // @trpc/client declares no `sideEffects`, so its WebSocket client and links the SPA never
      // uses were kept whole (about 0.8 KB brotli on every first visit); it has none.
      treeshake: {
        moduleSideEffects: [{ test: /node_modules[\\/]@trpc[\\/]client[\\/]/, sideEffects: false }],
      },
      output: {
        // Libraries change far less often than app code: separate chunks stay cached across
        // deploys. Only libraries every page needs are grouped (a group also takes in its
        // members' dependencies, so a charts group pulled clsx and with it Recharts into the
        // entry); the rest (forms, tables, charts) follow the route chunks that import them.
        // zod is not grouped: only forms use it (route search params have their own small
        // parsers), and they load with their pages.
        codeSplitting: {
          // Route splitting leaves many tiny shared chunks (an icon, a button); each is a request
          // a first visit waits for. Chunks under 32 KB of source are copied into the chunks that
          // use them instead: /billing takes 12 files rather than 45, for about the same bytes.
          // (Rolldown requires entry signatures not to be preserved for this; an SPA has none.)
          experimentalInlineCommonChunks: { maxSize: 32 * 1024 },
          groups: [
            // What both entries run: React, the tRPC client (kept apart from the router and
            // react-query, which the sign-in entry does without) and the class-name helpers.
            {
              name: "core",
              test: /node_modules[\\/](react|react-dom|scheduler|@trpc[\\/](client|server)|tailwind-merge|clsx)[\\/]/,
            },
            {
              name: "data",
              test: /node_modules[\\/](@tanstack[\\/](react-router|router-core|history|store|react-store|react-query|query-core)|@trpc[\\/]tanstack-react-query)[\\/]/,
            },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      "/api": { target: apiTarget, changeOrigin: false },
      "/healthz": { target: apiTarget, changeOrigin: false },
    },
  },
});
