import { defineConfig } from "drizzle-kit";

// PostgreSQL, for scale. The tables in src/schema-pg mirror src/schema (schema-lockstep.test.ts);
// `pnpm generate` writes both dialects' migrations.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema-pg/index.ts",
  out: "./migrations/postgres",
});
