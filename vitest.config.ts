import { defineConfig } from "vitest/config";

// One run over every package's tests; each package keeps its own project config.
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*"],
  },
});
