import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createEndpoint, emitOutboundEvent, outboundEventId, systemClock } from "@folio/billing";
import { closeDb, createDb, jobs, webhookDeliveries, withTransaction, type Db } from "@folio/db";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { dropServerTestDatabases, serverTestDatabase } from "../test/server-db.ts";
import { until } from "../test/wait.ts";

// A job outlives `kill -9` of the server running it: the lease its dead holder took lapses and
// the next server claims it and runs it. Real server processes (startServer), a real receiver.

afterAll(dropServerTestDatabases);

// Long enough that a loaded machine still renews it in time (every third of it).
const LEASE_MS = 4_000;

function startServerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/test/job-server.ts", String(LEASE_MS)],
    {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "test",
        PORT: "0",
        LOG_LEVEL: "silent",
        STRIPE_EMULATOR_PORT: "0",
        FOLIO_DEMO_SIZE: "none",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (c: Buffer) => {
      if (c.toString().includes("listening")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
  });
}

describe("jobs across a crash", () => {
  it("a delivery in flight when its server is killed -9 runs again on the next server, once done", async () => {
    // The receiver keeps the first request waiting (the server dies mid-delivery), then answers.
    const bodies: string[] = [];
    let answer: ((res: ServerResponse) => void) | null = null;
    const receiver: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        // The demo's own orders may be announced too: only this test's event is held.
        if (!body.includes("ord_crash")) return void res.writeHead(200).end();
        bodies.push(body);
        if (answer) answer(res);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/make`;

    const { env, config } = await serverTestDatabase();
    const db: Db = await createDb(config);
    const staff = { type: "staff", userId: "usr_admin", role: "admin" } as const;
    await createEndpoint(
      { db, clock: systemClock, actor: staff, urls: { allowPrivate: true } },
      { url, eventTypes: ["order.paid"] },
    );
    await withTransaction(db, (tx) =>
      emitOutboundEvent(
        { db: tx, clock: systemClock },
        { type: "order.paid", cause: "ord_crash", object: { id: "ord_crash" } },
      ),
    );

    const [delivery] = await db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventId, outboundEventId("order.paid", "ord_crash")));
    const ours = eq(jobs.key, `webhook.deliver:${delivery!.id}`);

    const first = await startServerProcess(env);
    await until(() => (bodies.length === 1 ? true : undefined), 60_000);
    const inFlight = await db.select().from(jobs).where(ours).get();
    expect(inFlight).toMatchObject({ status: "running", attempts: 1 });
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));

    answer = (res) => res.writeHead(200).end("ok");
    const second = await startServerProcess(env);
    try {
      const done = await until(async () => {
        const j = await db.select().from(jobs).where(ours).get();
        return j?.status === "succeeded" ? j : undefined;
      }, 60_000);
      expect(done.attempts).toBe(2);
      expect(done.leaseHolder).toBeNull();
      expect(bodies).toHaveLength(2);
      expect(bodies[1]).toBe(bodies[0]);
      const [after] = await db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.id, delivery!.id));
      expect(after).toMatchObject({ status: "succeeded", lastStatusCode: 200 });
    } finally {
      second.kill("SIGTERM");
      await new Promise((r) => second.once("exit", r));
      receiver.closeAllConnections();
      receiver.close();
      await closeDb(db);
    }
  }, 150_000);
});
