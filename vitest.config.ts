import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

// One run over every package's tests; each package keeps its own project config, named after its
// directory (`--project billing`). Suites that touch the database run twice: on SQLite as
// themselves, and on PostgreSQL as `<name>:postgres`, whose global setup starts a throwaway
// cluster (or uses FOLIO_TEST_POSTGRES_URL) with one migrated template database per run. Tests
// pick the dialect through @folio/db/testing (FOLIO_TEST_DIALECT).
const POSTGRES_TOO = new Set(["packages/db", "packages/billing", "packages/email", "apps/server"]);
const repo = fileURLToPath(new URL(".", import.meta.url));
const postgresSetup = join(repo, "packages/db/src/testing/postgres-global-setup.ts");

const packageDirs = ["packages", "apps"].flatMap((parent) =>
  readdirSync(join(repo, parent), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(repo, parent, d.name, "vitest.config.ts")))
    .map((d) => `${parent}/${d.name}`),
);

function project(dir: string, test: TestProjectInlineConfiguration["test"]) {
  return { extends: `./${dir}/vitest.config.ts`, root: `./${dir}`, test };
}

export default defineConfig({
  test: {
    projects: packageDirs.flatMap((dir) => {
      const name = dir.split("/")[1]!;
      const projects = [project(dir, { name, env: { FOLIO_TEST_DIALECT: "sqlite" } })];
      if (POSTGRES_TOO.has(dir)) {
        projects.push(
          project(dir, {
            name: `${name}:postgres`,
            env: { FOLIO_TEST_DIALECT: "postgres" },
            globalSetup: [postgresSetup],
          }),
        );
      }
      return projects;
    }),
  },
});
