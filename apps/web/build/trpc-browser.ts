import type { Plugin } from "vite";

// @trpc/tanstack-react-query imports two names from @trpc/server's main entry: the proxy
// builder, and `callTRPCProcedure`, the server's procedure runner (TRPCError, error shapes,
// the middleware chain), used only when the proxy is given a router to call in-process as in
// server rendering. The SPA always calls over HTTP (src/lib/trpc.ts), so in the browser build
// that import resolves to the proxy builder alone and the runner stays on the server. The
// rest of @trpc/server in the bundle is its shared client core (observable, result
// transforms, error codes) that @trpc/client is built on.
const ID = "\0folio:trpc-server-browser";
const SOURCE = `
export { createRecursiveProxy as createTRPCRecursiveProxy } from "@trpc/server/unstable-core-do-not-import";
export function callTRPCProcedure() {
  throw new Error("The browser build calls procedures over HTTP only: pass a client, not a router.");
}
`;

export function trpcBrowser(): Plugin {
  return {
    name: "folio:trpc-browser",
    enforce: "pre",
    resolveId(source, importer) {
      const fromQueryProxy = importer?.includes("@trpc/tanstack-react-query") ?? false;
      return source === "@trpc/server" && fromQueryProxy ? ID : null;
    },
    load(id) {
      return id === ID ? SOURCE : null;
    },
  };
}
