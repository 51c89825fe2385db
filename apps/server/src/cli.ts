import { hostname, userInfo } from "node:os";
import { pathToFileURL } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import {
  CatalogFileError,
  createUser,
  DEMO_CATALOG_PATH,
  emailSchema,
  SYNC_ORDER,
  formatCatalogReport,
  formatOverageSetupReport,
  formatSyncSummary,
  formatUsageCatalogReport,
  isDomainError,
  loadCatalogFile,
  nameSchema,
  passwordSchema,
  pruneWebhookInbox,
  pushCatalog,
  recordHooks,
  replayUndelivered,
  setUserDisabled,
  startWebhookWorker,
  syncAll,
  setupOverageBilling,
  syncUsageCatalog,
  systemClock,
  type Actor,
  type SyncProgress,
} from "@folio/billing";
import { closeDb, ROLES, type Db, type Role } from "@folio/db";
import { z } from "zod";
import { DatabaseUnavailableError, describeDatabase, openDatabase } from "./database.ts";
import { EnvError, loadEnv, type Env } from "./env.ts";
import { connectStripe } from "./stripe.ts";

// Operator commands. Add one by adding an entry to COMMANDS; names may be one word
// (`migrate`), namespaced (`user:create`) or two words (`stripe sync`).

interface CommandContext {
  env: Env;
  /** Opens the database (applying migrations) on first use. */
  db(): Promise<Db>;
  print(line: string): void;
  /** Progress output (stderr), kept apart from the result. */
  progress(text: string): void;
}

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(values: Record<string, string | boolean | undefined>, ctx: CommandContext): Promise<void>;
}

class UsageError extends Error {}

function requireString(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required.`);
  return value;
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new UsageError(`--${flag}: ${result.error.issues[0]?.message ?? "invalid value"}`);
  }
  return result.data;
}

function generatePassword(): string {
  const bytes = new Uint8Array(15);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes); // 24 characters, 120 bits
}

/** The person at the command line, for the audit log. */
function operator(): Actor {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers).
    name = `uid:${process.getuid?.() ?? "unknown"}`;
  }
  return { type: "operator", name };
}

/** One line per type while it is listed (`\r`-redrawn on a terminal), then a final newline. */
function syncProgressBar(out: (text: string) => void, tty: boolean) {
  const width = 20;
  const at = (kind: string) => SYNC_ORDER.indexOf(kind as (typeof SYNC_ORDER)[number]);
  return (p: SyncProgress) => {
    const step = at(p.kind) + (p.finished ? 1 : 0.5);
    const filled = Math.round((step / SYNC_ORDER.length) * width);
    const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
    const text = `${bar} ${p.kind} ${p.done}${p.finished ? " done" : "…"}`;
    if (tty)
      out(`\r${text.padEnd(60)}${p.finished && at(p.kind) === SYNC_ORDER.length - 1 ? "\n" : ""}`);
    else if (p.finished) out(`${text}\n`);
  };
}

export const COMMANDS: Record<string, Command> = {
  migrate: {
    summary: "Create the database if needed and apply pending migrations.",
    usage: "folio migrate",
    options: {},
    async run(_values, ctx) {
      await ctx.db();
      ctx.print(`Database is up to date: ${describeDatabase(ctx.env.database)}`);
    },
  },

  "user:create": {
    summary: "Create a user (staff or customer). Prints a generated password if none is given.",
    usage: `folio user:create --email <email> --role <${ROLES.join("|")}> [--name <name>] [--password <password>]`,
    options: {
      email: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
      password: { type: "string" },
    },
    async run(values, ctx) {
      const email = parseWith(emailSchema, requireString(values, "email"), "email");
      const role: Role = parseWith(
        z.enum(ROLES, { error: `Use one of: ${ROLES.join(", ")}.` }),
        requireString(values, "role"),
        "role",
      );
      const name = parseWith(nameSchema, values.name ?? email.split("@")[0], "name");
      const given = values.password;
      const password =
        typeof given === "string"
          ? parseWith(passwordSchema, given, "password")
          : generatePassword();
      const user = await createUser(
        {
          db: await ctx.db(),
          clock: systemClock,
          actor: { type: "operator", name: userInfo().username },
        },
        { email, name, role, password },
      );
      ctx.print(`Created ${user.role} ${user.email} (${user.name}), id ${user.id}.`);
      if (typeof given !== "string") {
        ctx.print(`Password: ${password}`);
        ctx.print("It is shown only once; pass it to the user over a private channel.");
      }
    },
  },

  "catalog push": {
    summary:
      "Make Stripe's products and prices match a catalog file (idempotent; prints what changed).",
    usage: "folio catalog push [--file <catalog.json>] [--dry-run]",
    options: { file: { type: "string" }, "dry-run": { type: "boolean" } },
    async run(values, ctx) {
      const file = typeof values.file === "string" ? values.file : DEMO_CATALOG_PATH;
      let catalog;
      try {
        catalog = loadCatalogFile(file);
      } catch (err) {
        if (err instanceof CatalogFileError) throw new UsageError(err.message);
        throw err;
      }
      const connection = await connectStripe(ctx.env);
      const { stripe, mode } = connection;
      try {
        ctx.print(
          `Pushing ${catalog.name} (${file}) to ${mode === "stripe" ? "Stripe" : "the Stripe emulator"}…`,
        );
        const report = await pushCatalog({ stripe }, catalog, {
          dryRun: values["dry-run"] === true,
        });
        ctx.print(formatCatalogReport(report));
        if (!report.dryRun) {
          const usage = await syncUsageCatalog(
            { db: await ctx.db(), clock: systemClock },
            catalog,
            report,
          );
          ctx.print(formatUsageCatalogReport(usage));
          const overage = await setupOverageBilling(
            { db: await ctx.db(), stripe, clock: systemClock },
            catalog,
          );
          ctx.print(formatOverageSetupReport(overage));
        }
      } finally {
        await connection.close();
      }
    },
  },

  "stripe sync": {
    summary:
      "Backfill/reconcile the store from Stripe: list every synced type, upsert, print the diff.",
    usage: "folio stripe sync [--since <ISO date>]",
    options: { since: { type: "string" } },
    async run(values, ctx) {
      let since: Date | undefined;
      if (typeof values.since === "string") {
        since = new Date(values.since);
        if (Number.isNaN(since.getTime())) {
          throw new UsageError(
            "--since must be an ISO date, e.g. 2026-01-31 or 2026-01-31T12:00Z.",
          );
        }
      }
      const connection = await connectStripe(ctx.env);
      try {
        const summary = await syncAll(
          { db: await ctx.db(), stripe: connection.stripe, clock: systemClock, hooks: recordHooks },
          {
            ...(since ? { since } : {}),
            onProgress: syncProgressBar((t) => ctx.progress(t), process.stderr.isTTY),
          },
        );
        ctx.print(formatSyncSummary(summary));
      } finally {
        await connection.close();
      }
    },
  },

  "stripe replay": {
    summary: "Queue and apply the events Stripe reports as undelivered (last 30 days).",
    usage: "folio stripe replay",
    options: {},
    async run(_values, ctx) {
      const connection = await connectStripe(ctx.env);
      try {
        const deps = { db: await ctx.db(), stripe: connection.stripe, clock: systemClock };
        const { undelivered, queued } = await replayUndelivered(deps);
        // Claims under its own name, so a server draining the same inbox is not disturbed.
        const worker = startWebhookWorker(
          { ...deps, hooks: recordHooks },
          { autoStart: false, holder: `${hostname()}:${process.pid}:cli` },
        );
        const result = await worker.drain();
        await worker.stop();
        ctx.print(
          `Stripe reports ${undelivered} undelivered event(s); ${queued} were new to the inbox. ` +
            `Applied ${result.applied}, ignored ${result.ignored}, failed ${result.failed} (will retry), dead ${result.dead}.`,
        );
      } finally {
        await connection.close();
      }
    },
  },

  "webhooks prune": {
    summary:
      "Drop the payloads of applied/ignored webhook events after N days (default 30) and their ids after M (default 90).",
    usage: "folio webhooks prune [--payload-days N] [--id-days N]",
    options: { "payload-days": { type: "string" }, "id-days": { type: "string" } },
    async run(values, ctx) {
      const days = z.coerce.number().int().min(0, "Use a whole number of days, 0 or more.");
      const payloadRetentionDays = parseWith(days, values["payload-days"] ?? "30", "payload-days");
      const idRetentionDays = parseWith(days, values["id-days"] ?? "90", "id-days");
      const r = await pruneWebhookInbox(
        { db: await ctx.db(), clock: systemClock },
        { payloadRetentionDays, idRetentionDays },
      );
      ctx.print(
        `Pruned ${r.payloadsPruned} payload(s) older than ${payloadRetentionDays} day(s) and deleted ${r.deleted} event(s) older than ${idRetentionDays} day(s); pending, failed and dead events are untouched.`,
      );
    },
  },

  "user:disable": {
    summary: "Disable a user: they cannot sign in and their sessions end at once.",
    usage: "folio user:disable --email <email>",
    options: { email: { type: "string" } },
    async run(values, ctx) {
      const email = parseWith(emailSchema, requireString(values, "email"), "email");
      const result = await setUserDisabled(
        { db: await ctx.db(), clock: systemClock, actor: operator() },
        { user: { email }, disabled: true },
      );
      ctx.print(
        result.changed
          ? `Disabled ${email} and ended their ${result.sessionsEnded} session(s).`
          : `${email} was already disabled${result.sessionsEnded > 0 ? `; ended ${result.sessionsEnded} leftover session(s)` : ""}.`,
      );
    },
  },

  "user:enable": {
    summary: "Re-enable a disabled user.",
    usage: "folio user:enable --email <email>",
    options: { email: { type: "string" } },
    async run(values, ctx) {
      const email = parseWith(emailSchema, requireString(values, "email"), "email");
      const result = await setUserDisabled(
        { db: await ctx.db(), clock: systemClock, actor: operator() },
        { user: { email }, disabled: false },
      );
      ctx.print(result.changed ? `Enabled ${email}.` : `${email} was already enabled.`);
    },
  },
};

function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    "Usage: pnpm folio <command> [options]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`),
    "",
    "Run `pnpm folio <command> --help` for a command's options.",
    "Configuration comes from the environment (DATABASE_URL or DATABASE_PATH, …); see the README.",
  ].join("\n");
}

function findCommand(argv: string[]): { name: string; command: Command; rest: string[] } | null {
  const [first, second] = argv;
  const twoWords = `${first} ${second}`;
  if (COMMANDS[twoWords])
    return { name: twoWords, command: COMMANDS[twoWords], rest: argv.slice(2) };
  if (first && COMMANDS[first])
    return { name: first, command: COMMANDS[first], rest: argv.slice(1) };
  return null;
}

/** Runs the CLI; returns the process exit code. */
export async function runCli(
  argv: string[],
  {
    source = process.env,
    print = (line: string) => console.log(line),
    printError = (line: string) => console.error(line),
    progress = (text: string) => void process.stderr.write(text),
  }: {
    source?: Record<string, string | undefined>;
    print?: (line: string) => void;
    printError?: (line: string) => void;
    progress?: (text: string) => void;
  } = {},
): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    print(helpText());
    return argv.length === 0 ? 1 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    printError(`Unknown command: ${argv.join(" ")}\n\n${helpText()}`);
    return 1;
  }
  const { name, command, rest } = found;

  let db: Promise<Db> | undefined;
  try {
    const { values } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      print(`${command.summary}\n\nUsage: ${command.usage}`);
      return 0;
    }
    const env = loadEnv(source);
    await command.run(values, {
      env,
      db: () => (db ??= openDatabase(env.database)),
      print,
      progress,
    });
    return 0;
  } catch (err) {
    if (err instanceof UsageError || isDomainError(err)) {
      printError(`${name}: ${err.message}`);
      if (err instanceof UsageError) printError(`Usage: ${command.usage}`);
      return 1;
    }
    if (err instanceof EnvError || err instanceof DatabaseUnavailableError) {
      printError(err.message);
      return 1;
    }
    // parseArgs reports unknown or malformed options with a TypeError carrying a code.
    if (
      err instanceof TypeError &&
      "code" in err &&
      String(err.code).startsWith("ERR_PARSE_ARGS")
    ) {
      printError(`${name}: ${err.message}\nUsage: ${command.usage}`);
      return 1;
    }
    throw err;
  } finally {
    // A database that failed to open has nothing to close.
    if (db) await db.then(closeDb, () => undefined);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  process.exitCode = await runCli(args[0] === "--" ? args.slice(1) : args);
}
