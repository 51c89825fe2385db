import type { Plugin } from "vite";
// By path, not "@folio/server/auth-pages": Vite bundles relative imports into its config, while
// Node would have to load a workspace package's TypeScript source itself.
import { isAuthPagePath } from "../../server/src/http/auth-pages.ts";

/**
 * In development, answers the public auth paths with auth.html (the light sign-in entry), as
 * the Fastify server does in production; every other page path gets the SPA's index.html.
 */
export function authEntry(): Plugin {
  return {
    name: "folio:auth-entry",
    apply: "serve",
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const [path = "", query] = (req.url ?? "").split("?", 2);
        if (isAuthPagePath(path.replace(/(.)\/$/, "$1"))) {
          req.url = `/auth.html${query ? `?${query}` : ""}`;
        }
        next();
      });
    },
  };
}
