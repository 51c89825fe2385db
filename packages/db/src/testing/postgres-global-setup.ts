import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { closeDb, createDb } from "../client.ts";
import { databaseUrl } from "../testing.ts";

/**
 * Vitest global setup for the `<project>:postgres` projects (root vitest.config.ts). Uses the
 * server in FOLIO_TEST_POSTGRES_URL if set (a superuser URL), else starts a throwaway cluster in
 * a temp dir; creates and migrates one template database per run; and hands both to the test
 * workers as FOLIO_TEST_POSTGRES_URL / FOLIO_TEST_POSTGRES_TEMPLATE (workers inherit this
 * process's environment). Several projects share one server: the last teardown stops it.
 */

const INSTALL_HINT =
  "Install PostgreSQL (Debian/Ubuntu: `apt-get install -y postgresql`; .ci/run does this), or " +
  "point FOLIO_TEST_POSTGRES_URL at a server you run, as a superuser, e.g. " +
  "postgres://postgres@127.0.0.1:5432/postgres.";

interface Server {
  url: string;
  template: string;
  stop: () => Promise<void>;
}

const SHARED = Symbol.for("folio.db.testPostgres");
type Shared = { users: number; server: Promise<Server>; env: Record<string, string | undefined> };
const registry = globalThis as { [SHARED]?: Shared };

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const dialect = project.config.env?.FOLIO_TEST_DIALECT ?? process.env.FOLIO_TEST_DIALECT;
  if (dialect !== "postgres") return;

  let shared = registry[SHARED];
  if (!shared) {
    shared = {
      users: 0,
      server: startServer().catch((err: unknown) => {
        registry[SHARED] = undefined; // a later run (watch mode) tries again
        throw err;
      }),
      env: {
        FOLIO_TEST_POSTGRES_URL: process.env.FOLIO_TEST_POSTGRES_URL,
        FOLIO_TEST_POSTGRES_TEMPLATE: process.env.FOLIO_TEST_POSTGRES_TEMPLATE,
      },
    };
    registry[SHARED] = shared;
  }
  shared.users++;
  const server = await shared.server;
  process.env.FOLIO_TEST_POSTGRES_URL = server.url;
  process.env.FOLIO_TEST_POSTGRES_TEMPLATE = server.template;

  return async () => {
    if (--shared.users > 0) return;
    registry[SHARED] = undefined;
    for (const [key, value] of Object.entries(shared.env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await server.stop();
  };
}

async function startServer(): Promise<Server> {
  const started = Date.now();
  const given = process.env.FOLIO_TEST_POSTGRES_URL;
  const cluster = given ? undefined : await startCluster();
  const url = given ?? cluster!.url;
  try {
    const template = await createTemplate(url);
    if (process.env.FOLIO_TEST_POSTGRES_VERBOSE) {
      console.log(
        `[postgres] ${given ? "server" : "cluster"} + template ${template} ready in ${Date.now() - started} ms`,
      );
    }
    return {
      url,
      template,
      stop: cluster ? cluster.stop : () => dropRunDatabases(url, template),
    };
  } catch (err) {
    await cluster?.stop();
    throw err;
  }
}

/** A database to clone per test, with every committed migration applied once. */
async function createTemplate(url: string): Promise<string> {
  const template = `folio_test_${randomBytes(3).toString("hex")}`;
  await admin(url, (c) => c.query(`create database "${template}"`));
  try {
    const db = await createDb({ dialect: "postgres", url: databaseUrl(url, template), max: 1 });
    await closeDb(db);
  } catch (err) {
    await dropRunDatabases(url, template).catch(() => undefined);
    throw new Error(`migrating the PostgreSQL test template failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  // Nobody may connect to it: CREATE DATABASE … TEMPLATE fails while the source has sessions.
  await admin(url, (c) =>
    c.query(`alter database "${template}" with is_template true allow_connections false`),
  );
  return template;
}

/** On a server we did not start: the template and every database cloned from it this run. */
async function dropRunDatabases(url: string, template: string): Promise<void> {
  await admin(url, async (c) => {
    const { rows } = await c.query<{ datname: string }>("select datname from pg_database");
    for (const { datname } of rows) {
      if (datname.startsWith(`${template}_`)) {
        await c.query(`drop database if exists "${datname}" with (force)`);
      }
    }
    await c.query(`alter database "${template}" with is_template false`);
    await c.query(`drop database if exists "${template}" with (force)`);
  });
}

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`cannot connect to PostgreSQL at ${url}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Throwaway cluster

const run = promisify(execFile);

interface Cluster {
  url: string;
  stop: () => Promise<void>;
}

/** The directory holding initdb and pg_ctl: PATH first, then Debian's versioned directories. */
function findBinDir(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  }
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

async function startCluster(): Promise<Cluster> {
  const bin = findBinDir();
  if (!bin) {
    throw new Error(
      "The PostgreSQL test projects need a PostgreSQL server, but initdb/pg_ctl were found " +
        `neither on PATH nor in /usr/lib/postgresql/*/bin. ${INSTALL_HINT}`,
    );
  }

  const dir = mkdtempSync(join(tmpdir(), "folio-pg-"));
  const data = join(dir, "data");
  const log = join(dir, "postgres.log");
  // initdb and postgres refuse to run as root: run them as the `postgres` user instead.
  const asRoot = process.getuid?.() === 0;
  const command = (tool: string, args: string[]): [string, string[]] =>
    asRoot
      ? ["runuser", ["-u", "postgres", "--", join(bin, tool), ...args]]
      : [join(bin, tool), args];
  const pgTool = (tool: string, args: string[]) => run(...command(tool, args), { cwd: dir });
  const remove = () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  // If Vitest exits without tearing down (interrupted), the server must not outlive it.
  const onExit = () => {
    try {
      if (existsSync(join(data, "postmaster.pid"))) {
        execFileSync(...command("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]), {
          cwd: dir,
          stdio: "ignore",
        });
      }
    } catch {
      // best effort: the process is exiting
    }
    remove();
  };
  process.once("exit", onExit);
  const stop = async () => {
    await pgTool("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    remove();
    process.off("exit", onExit);
  };
  if (asRoot) {
    const ids = await run("id", ["-u", "postgres"]).then(
      async ({ stdout }) => [Number(stdout), Number((await run("id", ["-g", "postgres"])).stdout)],
      () => undefined,
    );
    if (!ids) {
      await stop();
      throw new Error(
        "Running as root, PostgreSQL must run as another user, but the `postgres` user does not " +
          `exist. ${INSTALL_HINT}`,
      );
    }
    chownSync(dir, ids[0]!, ids[1]!);
  }
  const fail = async (what: string, err: unknown): Promise<never> => {
    const detail = (err as { stderr?: string }).stderr || (err as Error).message;
    const logText = existsSync(log)
      ? readFileSync(log, "utf8").split("\n").slice(-15).join("\n")
      : "";
    await stop();
    throw new Error(
      `${what} (${bin}): ${detail.trim()}${logText ? `\n--- server log ---\n${logText}` : ""}\n${INSTALL_HINT}`,
    );
  };

  await pgTool("initdb", [
    "-D",
    data,
    "-U",
    "postgres",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ]).catch((err) => fail("initdb failed", err));

  appendFileSync(
    join(data, "postgresql.conf"),
    [
      "",
      "# folio test cluster: throwaway, so durability is traded for speed",
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      "fsync = off",
      "synchronous_commit = off",
      "full_page_writes = off",
      "max_connections = 300",
      "",
    ].join("\n"),
  );

  // The port is free when picked; another process may take it before the server binds it.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      await pgTool("pg_ctl", [
        "-D",
        data,
        "-l",
        log,
        "-o",
        `-p ${port}`,
        "-w",
        "-t",
        "60",
        "start",
      ]);
      return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
    } catch (err) {
      const portTaken = existsSync(log) && readFileSync(log, "utf8").includes("could not bind");
      if (!portTaken || attempt === 3) return fail("starting PostgreSQL failed", err);
      appendFileSync(log, `\n(folio: port ${port} was taken, retrying on another)\n`);
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}
