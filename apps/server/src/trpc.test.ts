import { DomainError, manualClock, type DomainErrorCode } from "@folio/billing";
import { InvalidCursorError, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import {
  fastifyTRPCPlugin,
  type CreateFastifyContextOptions,
  type FastifyTRPCPluginOptions,
} from "@trpc/server/adapters/fastify";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createContextInner } from "./context.ts";
import { INTERNAL_ERROR_MESSAGE } from "./errors.ts";
import { createCallerFactory, publicProcedure, router } from "./trpc.ts";

// A throwaway router on the real tRPC instance, to see errors the way clients do.
const testRouter = router({
  domain: publicProcedure.input(z.object({ code: z.string() })).query(({ input }) => {
    throw new DomainError(input.code as DomainErrorCode, `domain said ${input.code}`, {
      retryAfterSeconds: 42,
    });
  }),
  cursor: publicProcedure.query(() => {
    throw new InvalidCursorError();
  }),
  crash: publicProcedure.query(() => {
    throw new Error("secret internal detail");
  }),
});

const app = Fastify({ logger: false });
const clock = manualClock();
let db: Db;

beforeAll(async () => {
  db = await createTestDb();
  await app.register(fastifyTRPCPlugin, {
    prefix: "/trpc",
    trpcOptions: {
      router: testRouter,
      createContext: ({ req }: CreateFastifyContextOptions) =>
        createContextInner({ db, clock, requestId: req.id }),
    },
  } satisfies FastifyTRPCPluginOptions<typeof testRouter>);
});
afterAll(async () => {
  await app.close();
  await dropTestDatabases();
});

const input = (v: unknown) => encodeURIComponent(JSON.stringify(v));

describe("error mapping", () => {
  it.each([
    ["BAD_REQUEST", 400],
    ["NOT_FOUND", 404],
    ["CONFLICT", 409],
    ["PRECONDITION_FAILED", 412],
    ["FORBIDDEN", 403],
    ["TOO_MANY_REQUESTS", 429],
    ["UPSTREAM", 502],
  ])("maps DomainError %s to HTTP %i and keeps its message", async (code, status) => {
    const res = await app.inject(`/trpc/domain?input=${input({ code })}`);
    expect(res.statusCode).toBe(status);
    const body = res.json<{ error: { message: string; data: Record<string, unknown> } }>();
    expect(body.error.message).toBe(`domain said ${code}`);
    expect(body.error.data.stack).toBeUndefined();
    if (code === "TOO_MANY_REQUESTS") expect(body.error.data.retryAfterSeconds).toBe(42);
  });

  it("maps an invalid list cursor to 400 with its start-again message", async () => {
    const res = await app.inject("/trpc/cursor");
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { message: string } }>();
    expect(body.error.message).toBe(
      "This page link is no longer valid. Start again from the first page.",
    );
  });

  it("maps DomainError for direct callers too", async () => {
    const caller = createCallerFactory(testRouter)(createContextInner({ db, clock }));
    await expect(caller.domain({ code: "CONFLICT" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("hides unexpected errors behind a generic message with the request id", async () => {
    const res = await app.inject("/trpc/crash");
    expect(res.statusCode).toBe(500);
    const body = res.json<{ error: { message: string; data: Record<string, unknown> } }>();
    expect(body.error.message).toBe(INTERNAL_ERROR_MESSAGE);
    expect(res.body).not.toContain("secret internal detail");
    expect(body.error.data.requestId).toEqual(expect.any(String));
    expect(body.error.data.stack).toBeUndefined();
  });
});
