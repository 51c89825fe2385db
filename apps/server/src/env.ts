import { isAbsolute, resolve } from "node:path";
import type { DatabaseConfig } from "@folio/db";
import { z } from "zod";

// The only module that reads process.env. Each variable's `.describe()` text is the fix-it hint
// shown when it is invalid, so adding a variable is one line here (plus a refinement if it
// depends on another one).
const EnvSchema = z
  .object({
    NODE_ENV: z
      .enum(["development", "production", "test"])
      .default("development")
      .describe("Set NODE_ENV to development, production or test."),
    PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(3000)
      .describe("Set PORT to a free TCP port number, e.g. PORT=3000."),
    HOST: z
      .string()
      .min(1)
      .default("127.0.0.1")
      .describe("Set HOST to the interface to listen on, e.g. HOST=0.0.0.0 inside a container."),
    DATABASE_PATH: z
      .string()
      .min(1)
      .default("./.data/folio.db")
      .describe("Set DATABASE_PATH to a writable SQLite file path, e.g. ./.data/folio.db."),
    DATABASE_URL: z
      .string()
      .refine(isPostgresUrl, "must be a postgres:// or postgresql:// URL")
      .optional()
      .describe(
        "Set DATABASE_URL to a PostgreSQL connection URL, e.g. postgres://folio:secret@db.internal:5432/folio (percent-encode special characters in the password), or unset it to use the embedded SQLite file at DATABASE_PATH.",
      ),
    APP_URL: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        "Set APP_URL to the public origin people open in the browser, e.g. https://billing.example.com.",
      ),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info")
      .describe("Set LOG_LEVEL to one of fatal, error, warn, info, debug, trace, silent."),
    TRUST_PROXY: z
      .enum(["true", "false", "1", "0"])
      .default("false")
      .transform((v) => v === "true" || v === "1")
      .describe(
        "Set TRUST_PROXY=true only behind one reverse proxy that appends the client address to X-Forwarded-For (login throttling keys on the client IP).",
      ),
    SIGN_UPS_PER_ADDRESS_PER_HOUR: z.coerce
      .number()
      .int()
      .min(1)
      .default(5)
      .describe(
        "Set SIGN_UPS_PER_ADDRESS_PER_HOUR to how many accounts one IP address may create in an hour before each further one waits, e.g. 5 (raise it for test suites that sign up many accounts from one machine).",
      ),
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, "must look like sk_test_… or sk_live_…")
      .optional()
      .describe(
        "Set STRIPE_SECRET_KEY to your Stripe secret key (Dashboard → Developers → API keys), or unset it to run against the embedded emulator in demo mode.",
      ),
    STRIPE_API_URL: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        "Set STRIPE_API_URL to a standalone Stripe emulator's origin, e.g. http://127.0.0.1:12111, or unset it to talk to api.stripe.com.",
      ),
    STRIPE_WEBHOOK_SECRETS: z
      .string()
      .optional()
      .transform((v) =>
        (v ?? "")
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== ""),
      )
      .pipe(z.array(z.string().regex(/^whsec_\S+$/, "each secret must start with whsec_")))
      .describe(
        "Set STRIPE_WEBHOOK_SECRETS to the endpoint's signing secret (whsec_…); during a rotation list the new and the old one, comma-separated.",
      ),
    STRIPE_EMULATOR_PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(12111)
      .describe(
        "Set STRIPE_EMULATOR_PORT to a free TCP port for the embedded Stripe emulator (demo mode), e.g. 12111.",
      ),
    SMTP_URL: z
      .url({ protocol: /^smtps?$/ })
      .optional()
      .describe(
        "Set SMTP_URL to your mail server, e.g. smtps://user:password@smtp.example.com:465 (percent-encode special characters), or unset it to catch e-mails in the built-in mailbox (admin → Sent mail).",
      ),
    MAIL_FROM: z
      .string()
      .trim()
      .regex(/^(.*<)?[^\s@<>]+@[^\s@<>]+(>)?$/, "must be an address, optionally with a name")
      .optional()
      .describe(
        'Set MAIL_FROM to the sender of Folio\'s e-mails, e.g. MAIL_FROM="Acme Billing <billing@acme.com>".',
      ),
    FOLIO_DEMO_SIZE: z
      .enum(["none", "tiny", "small", "full"])
      .optional()
      .describe(
        "Set FOLIO_DEMO_SIZE to full (the demo business: 300+ customers over 19 months, the default), small (the same story with fewer customers, for e2e), tiny (a dozen customers, one per story, for server tests) or none (demo accounts only; the default when NODE_ENV=test).",
      ),
    // pnpm sets INIT_CWD to the directory the command was typed in; relative paths are resolved
    // from there so `DATABASE_PATH=./x.db pnpm start` at the repo root means the repo root.
    INIT_CWD: z.string().optional(),
  })
  .transform(({ INIT_CWD, ...env }) => {
    const base = INIT_CWD ?? process.cwd();
    const databasePath =
      env.DATABASE_PATH === ":memory:" || isAbsolute(env.DATABASE_PATH)
        ? env.DATABASE_PATH
        : resolve(base, env.DATABASE_PATH);
    const appUrl = new URL(env.APP_URL ?? `http://localhost:${env.PORT}`);
    // DATABASE_URL selects PostgreSQL; without it Folio is embedded (SQLite at DATABASE_PATH).
    const database: DatabaseConfig = env.DATABASE_URL
      ? { dialect: "postgres", url: env.DATABASE_URL }
      : { dialect: "sqlite", path: databasePath };
    return {
      ...env,
      // Demo mode's business history (demo/): tests opt in, since seeding it takes a while.
      FOLIO_DEMO_SIZE: env.FOLIO_DEMO_SIZE ?? (env.NODE_ENV === "test" ? "none" : "full"),
      MAIL_FROM: env.MAIL_FROM ?? `Folio <billing@${appUrl.hostname}>`,
      DATABASE_PATH: databasePath,
      database,
      // Origin only (no trailing slash or path): used for CSRF checks and links.
      APP_URL: appUrl.origin,
    };
  });

export type Env = z.output<typeof EnvSchema>;

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "postgres:" || url.protocol === "postgresql:";
  } catch {
    return false;
  }
}

/** `url` with its password replaced, for messages and logs. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    // Not a URL: it may still hold a password (`postgres://u:p@host:port` with a typo).
    return value.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:***@");
  }
}

// Invalid values are echoed back to help the fix, except secrets.
const SHOWN: Partial<Record<string, (v: string) => string>> = {
  DATABASE_URL: redactUrl,
  SMTP_URL: redactUrl,
  STRIPE_SECRET_KEY: () => "…hidden…",
  STRIPE_WEBHOOK_SECRETS: () => "…hidden…",
};

export class EnvError extends Error {
  override readonly name = "EnvError";
}

/** Parses and validates configuration; throws EnvError naming each bad variable and its fix. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  // Treat empty values (`PORT=` in an env file) as unset so defaults apply.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ""),
  );
  const result = EnvSchema.safeParse(cleaned);
  if (result.success) return result.data;

  const shape = EnvSchema.in.shape;
  const lines = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? "");
    const value = cleaned[key];
    const got =
      value !== undefined ? ` (got ${JSON.stringify((SHOWN[key] ?? String)(value))})` : "";
    const hint = shape[key as keyof typeof shape]?.description ?? "";
    return `  - ${key || "(config)"}: ${issue.message}${got}. ${hint}`.trimEnd();
  });
  throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}`);
}
