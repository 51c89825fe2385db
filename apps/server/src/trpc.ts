import { isDomainError } from "@folio/billing";
import { initTRPC, TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import type { SessionUser } from "./auth/session.ts";
import type { Context, CustomerActor, StaffActor } from "./context.ts";
import { INTERNAL_ERROR_MESSAGE, isExpectedError, toTRPCError } from "./errors.ts";
import { can, type Permission } from "./permissions.ts";

/** Who may call a procedure. Every procedure carries one; `_app.test.ts` enforces it. */
export type Access = "public" | "authenticated" | "customer" | { permission: Permission };

export interface Meta {
  access?: Access;
}

function retryAfterOf(cause: unknown): number | undefined {
  if (!isDomainError(cause)) return undefined;
  const value = cause.details?.["retryAfterSeconds"];
  return typeof value === "number" ? value : undefined;
}

// Default transformer on purpose: responses are plain JSON (dates as ISO strings).
const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error, ctx }) {
      // Stack traces go to the log, never to clients.
      const { stack: _stack, ...data } = shape.data;

      if (error.code === "INTERNAL_SERVER_ERROR") {
        return {
          ...shape,
          message: INTERNAL_ERROR_MESSAGE,
          data: { ...data, requestId: ctx?.requestId ?? null },
        };
      }

      if (error.code === "BAD_REQUEST" && error.cause instanceof ZodError) {
        const first = error.cause.issues[0];
        const where = first?.path.length ? `${first.path.join(".")}: ` : "";
        return {
          ...shape,
          message: first ? `${where}${first.message}` : "Invalid input.",
          data: { ...data, zodError: z.flattenError(error.cause) },
        };
      }

      const retryAfterSeconds = retryAfterOf(error.cause);
      return {
        ...shape,
        data: retryAfterSeconds === undefined ? data : { ...data, retryAfterSeconds },
      };
    },
  });

// Domain functions throw DomainError (lists InvalidCursorError); translate once, for HTTP and
// direct callers alike.
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isExpectedError(result.error.cause)) throw toTRPCError(result.error.cause);
  return result;
});

function requireUser(user: SessionUser | null): SessionUser {
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return user;
}

function assertAccess(access: Access | undefined, user: SessionUser | null): void {
  if (access === undefined) {
    // Unreachable through the exported builders; guards against a hand-built procedure.
    throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Procedure has no access rule" });
  }
  if (access === "public") return;
  const signedIn = requireUser(user);
  if (access === "authenticated") return;
  if (access === "customer") {
    if (signedIn.role !== "customer") {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "This is only available to customer accounts.",
      });
    }
    return;
  }
  if (!can(signedIn.role, access.permission)) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: `Your role (${signedIn.role}) does not allow this (needs ${access.permission}).`,
    });
  }
}

// The access rule lives in meta and is enforced from meta, so what the test enumerates is
// exactly what runs. Each builder also re-checks its own rule (so a later `.meta()` cannot
// loosen it) and narrows ctx.user for TypeScript.
const enforceAccess = t.middleware(({ meta, ctx, next }) => {
  assertAccess(meta?.access, ctx.user);
  return next();
});

const base = t.procedure.use(mapDomainErrors).use(enforceAccess);

function signedIn(access: Exclude<Access, "public">) {
  return base.meta({ access }).use(({ ctx, next }) => {
    assertAccess(access, ctx.user);
    const user = requireUser(ctx.user);
    // createContextInner derives the actor from the user; a signed-in context always has one.
    if (!ctx.actor) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "No actor" });
    return next({ ctx: { user, actor: ctx.actor } });
  });
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = base.meta({ access: "public" });

/** Any signed-in user, customer or staff. */
export const protectedProcedure = signedIn("authenticated");

/** Signed in as a customer; procedures act only on ctx.user's own data, never on passed ids. */
export const customerProcedure = signedIn("customer").use(({ ctx, next }) => {
  if (ctx.actor.type !== "customer") throw new TRPCError({ code: "FORBIDDEN" });
  return next({ ctx: { actor: ctx.actor satisfies CustomerActor } });
});

/** Signed in with a role that holds `permission` in the matrix (permissions.ts). */
export function staffProcedure(permission: Permission) {
  return signedIn({ permission }).use(({ ctx, next }) => {
    if (ctx.actor.type !== "staff") throw new TRPCError({ code: "FORBIDDEN" });
    return next({ ctx: { actor: ctx.actor satisfies StaffActor } });
  });
}
