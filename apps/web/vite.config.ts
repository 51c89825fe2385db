import { fileURLToPath } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { precompress } from "./build/precompress.ts";
import { trpcBrowser } from "./build/trpc-browser.ts";

// In development the SPA and the API must share an origin so the session cookie (SameSite=Lax,
// HttpOnly) is sent with every tRPC call; the dev server forwards API traffic to Fastify.
const apiTarget = "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react(), tailwindcss(), trpcBrowser(), precompress()],
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  build: {
    // The bundle budget (build/bundle-budget.ts) reads what each route downloads from here.
    manifest: true,
    rolldownOptions: {
      preserveEntrySignatures: false,
      output: {
        // Libraries change far less often than app code: separate chunks stay cached across
        // deploys. Only libraries every page needs are grouped (a group also takes in its
        // members' dependencies, so a charts group pulled clsx and with it Recharts into the
        // entry); the rest (forms, tables, charts) follow the route chunks that import them.
        // zod is not grouped: the full build, which some dialogs still import, would join the
        // entry beside the mini build the route search schemas use.
        codeSplitting: {
          // Route splitting leaves many tiny shared chunks (an icon, a button); each is a request
          // a first visit waits for. Chunks under 32 KB of source are copied into the chunks that
          // use them instead: /billing takes 12 files rather than 45, for about the same bytes.
          // (Rolldown requires entry signatures not to be preserved for this; an SPA has none.)
          experimentalInlineCommonChunks: { maxSize: 32 * 1024 },
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            {
              name: "data",
              test: /node_modules[\\/](@tanstack[\\/](react-router|router-core|history|store|react-store|react-query|query-core)|@trpc)[\\/]/,
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
