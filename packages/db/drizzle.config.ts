import { defineConfig } from "drizzle-kit";

// SQLite, the embedded default. PostgreSQL's twin is drizzle.postgres.config.ts; `pnpm generate`
// writes both.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/schema/index.ts",
  out: "./migrations/sqlite",
});
