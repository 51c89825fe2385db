import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Stripe from "stripe";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator } from "../emulator.ts";

const dir = mkdtempSync(join(tmpdir(), "stripe-emulator-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("persistence", () => {
  it("a restarted emulator keeps objects, events, clock and endpoints", async () => {
    const dbPath = join(dir, "embedded.db");
    const options = {
      dbPath,
      webhookEndpoints: [{ url: "http://127.0.0.1:9/hook", secret: "whsec_p" }],
    };
    const first = await startEmulator(options);
    const stripe = first.stripe();
    const customer = await stripe.customers.create({ email: "keep@example.com" });
    const advanced = first.advanceClock(7 * 86400);
    await first.stop();

    const second = await startEmulator(options);
    const again = second.stripe();
    expect(await again.customers.retrieve(customer.id)).toEqual(customer);
    expect((await again.events.list({ type: "customer.created" })).data).toHaveLength(1);
    expect(second.now()).toBeGreaterThanOrEqual(advanced);
    expect((await again.webhookEndpoints.list()).data).toHaveLength(1);
    // Idempotency keys survive too.
    const a = await again.customers.create({ name: "x" }, { idempotencyKey: "persist" });
    await second.stop();
    const third = await startEmulator(options);
    const b = await third.stripe().customers.create({ name: "x" }, { idempotencyKey: "persist" });
    expect(b.id).toBe(a.id);
    await third.stop();
  });

  it("the standalone CLI keeps state across restarts, started as the README says", async () => {
    const dbPath = join(dir, "cli.db");
    const packageDir = join(import.meta.dirname, "../..");
    // The README's form: pnpm 10 passes the `--` on to the CLI.
    const viaPnpm = ["pnpm", ["--filter", "@folio/stripe-emulator", "start", "--"]] as const;
    const direct = [process.execPath, ["--import", "tsx", "src/cli.ts"]] as const;
    const run = async <T>(
      [command, prefix]: readonly [string, readonly string[]],
      fn: (stripe: Stripe) => Promise<T>,
    ): Promise<T> => {
      const child = spawn(command, [...prefix, "--port", "0", "--db", dbPath], {
        cwd: packageDir,
        stdio: ["ignore", "pipe", "inherit"],
        // Its own process group, so stopping pnpm stops the emulator it started too.
        detached: true,
      });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = "";
          child.stdout.on("data", (chunk: Buffer) => {
            out += chunk.toString();
            const m = /listening on (http:\/\/\S+)/.exec(out);
            if (m?.[1]) resolve(m[1]);
          });
          child.on("exit", (code) => reject(new Error(`cli exited with ${String(code)}`)));
        });
        const { hostname, port } = new URL(url);
        return await fn(
          new Stripe("sk_test_cli", { host: hostname, port: Number(port), protocol: "http" }),
        );
      } finally {
        const exited = new Promise((resolve) => child.on("exit", resolve));
        if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
        await exited;
      }
    };
    const created = await run(viaPnpm, (s) => s.products.create({ name: "Persistent" }));
    const fetched = await run(direct, (s) => s.products.retrieve(created.id));
    expect(fetched).toEqual(created);
  }, 30_000);
});
