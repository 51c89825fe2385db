import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DatabaseUnavailableError, describeDatabase, openDatabase } from "./database.ts";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("opening the configured database", () => {
  it("describes where the database is without the password", () => {
    expect(describeDatabase({ dialect: "sqlite", path: "/srv/folio.db" })).toBe(
      "SQLite file /srv/folio.db",
    );
    expect(
      describeDatabase({ dialect: "postgres", url: "postgres://folio:s3cret@db.internal/billing" }),
    ).toBe("PostgreSQL folio@db.internal:5432/billing");
  });

  it("explains an unreachable PostgreSQL: the variable, what was tried, no password", async () => {
    const port = await closedPort();
    const error = await openDatabase({
      dialect: "postgres",
      url: `postgres://folio:s3cret@127.0.0.1:${port}/folio`,
    }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain("DATABASE_URL");
    expect(message).toContain(`PostgreSQL folio@127.0.0.1:${port}/folio`);
    expect(message).toContain("connection refused");
    expect(message).not.toContain("s3cret");
  });

  it("`pnpm start` with an unreachable DATABASE_URL prints that and exits non-zero", async () => {
    const port = await closedPort();
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "test",
        PORT: "0",
        LOG_LEVEL: "silent",
        DATABASE_URL: `postgres://folio:s3cret@127.0.0.1:${port}/folio`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("Folio failed to start: Cannot use the PostgreSQL database");
    expect(stderr).toContain(`127.0.0.1:${port}`);
    expect(stderr).not.toContain("s3cret");
  }, 30_000);

  it("explains a SQLite path it cannot create", async () => {
    const dir = mkdtempSync(join(tmpdir(), "folio-database-"));
    try {
      // A directory that cannot exist: its parent is a file.
      writeFileSync(join(dir, "file"), "");
      const path = join(dir, "file", "sub", "folio.db");
      const error = await openDatabase({ dialect: "sqlite", path }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect((error as Error).message).toContain(`SQLite database at ${path} (DATABASE_PATH)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
