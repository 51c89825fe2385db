import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "./env.ts";

function errorOf(source: Record<string, string>): string {
  try {
    loadEnv(source);
  } catch (err) {
    if (err instanceof EnvError) return err.message;
    throw err;
  }
  throw new Error("expected loadEnv to fail");
}

describe("loadEnv", () => {
  it("applies defaults", () => {
    const env = loadEnv({ INIT_CWD: "/srv/folio" });
    expect(env).toMatchObject({
      NODE_ENV: "development",
      PORT: 3000,
      HOST: "127.0.0.1",
      DATABASE_PATH: "/srv/folio/.data/folio.db",
      APP_URL: "http://localhost:3000",
      LOG_LEVEL: "info",
      TRUST_PROXY: false,
    });
  });

  it("derives APP_URL from PORT and normalises a given one to its origin", () => {
    expect(loadEnv({ PORT: "4000" }).APP_URL).toBe("http://localhost:4000");
    expect(loadEnv({ APP_URL: "https://billing.example.com/" }).APP_URL).toBe(
      "https://billing.example.com",
    );
  });

  it("keeps absolute and in-memory database paths, and ignores empty values", () => {
    expect(loadEnv({ DATABASE_PATH: "/var/lib/folio.db" }).DATABASE_PATH).toBe("/var/lib/folio.db");
    expect(loadEnv({ DATABASE_PATH: ":memory:" }).DATABASE_PATH).toBe(":memory:");
    expect(loadEnv({ PORT: "", APP_URL: " " }).PORT).toBe(3000);
  });

  it("names every bad variable, what it got and how to fix it", () => {
    const message = errorOf({ PORT: "eighty", NODE_ENV: "staging", APP_URL: "ftp://x" });
    expect(message).toMatch(/^Invalid environment configuration:/);
    expect(message).toMatch(/- PORT: .*\(got "eighty"\)\. Set PORT to a free TCP port/);
    expect(message).toMatch(/- NODE_ENV: .*\(got "staging"\)\. Set NODE_ENV to development/);
    expect(message).toMatch(/- APP_URL: .*Set APP_URL to the public origin/);
  });

  it("runs on SQLite at DATABASE_PATH unless DATABASE_URL selects PostgreSQL", () => {
    expect(loadEnv({ DATABASE_PATH: "/var/lib/folio.db" }).database).toEqual({
      dialect: "sqlite",
      path: "/var/lib/folio.db",
    });
    for (const url of [
      "postgres://folio:s3cret@db.internal:5432/folio",
      "postgresql://folio@localhost/folio?sslmode=require",
    ]) {
      expect(loadEnv({ DATABASE_URL: url }).database).toEqual({ dialect: "postgres", url });
    }
  });

  it("refuses a malformed DATABASE_URL with a fix-it hint, never echoing the password", () => {
    for (const url of ["mysql://folio:s3cret@db/folio", "postgres://folio:s3cret@db:port/folio"]) {
      const message = errorOf({ DATABASE_URL: url });
      expect(message).toMatch(/- DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
      expect(message).toContain("Set DATABASE_URL to a PostgreSQL connection URL");
      expect(message).toContain("folio:***@");
      expect(message).not.toContain("s3cret");
    }
  });

  it("does not echo secret keys it refuses", () => {
    const message = errorOf({ STRIPE_SECRET_KEY: "sk_live_oops!" });
    expect(message).toMatch(/- STRIPE_SECRET_KEY: /);
    expect(message).not.toContain("oops");
  });

  it("parses TRUST_PROXY", () => {
    expect(loadEnv({ TRUST_PROXY: "true" }).TRUST_PROXY).toBe(true);
    expect(errorOf({ TRUST_PROXY: "yes" })).toMatch(/TRUST_PROXY/);
  });
});
