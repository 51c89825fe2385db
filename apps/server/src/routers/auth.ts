import { DomainError } from "@folio/billing";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { blankSessionCookie, sessionCookie } from "../auth/cookies.ts";
import { verifyDummyPassword, verifyPassword, PASSWORD_MAX_LENGTH } from "../auth/password.ts";
import {
  createSession,
  invalidateSession,
  invalidateUserSessions,
  type SessionUser,
} from "../auth/session.ts";
import {
  createUser,
  emailSchema,
  findUserByEmail,
  nameSchema,
  passwordSchema,
} from "../auth/users.ts";
import { usesSecureCookies, type Context } from "../context.ts";
import { permissionsFor } from "../permissions.ts";
import { protectedProcedure, publicProcedure, router } from "../trpc.ts";

export interface Me {
  user: SessionUser;
  permissions: string[];
}

function me(user: SessionUser): Me {
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role },
    permissions: permissionsFor(user.role),
  };
}

function setSessionCookie(ctx: Context, cookie: string): void {
  // Replace any cookie the context queued (e.g. clearing a stale one) so only one is sent.
  ctx.resHeaders.delete("set-cookie");
  ctx.resHeaders.append("set-cookie", cookie);
}

function startSession(ctx: Context, userId: string): void {
  // A new sign-in never reuses the session the browser arrived with.
  if (ctx.session) invalidateSession(ctx.db, ctx.session.id);
  const { token, session } = createSession(ctx.db, ctx.clock, userId);
  setSessionCookie(
    ctx,
    sessionCookie(token, session.expiresAt, ctx.clock.now(), usesSecureCookies(ctx.env)),
  );
}

function endSession(ctx: Context): void {
  setSessionCookie(ctx, blankSessionCookie(usesSecureCookies(ctx.env)));
}

function tooManyAttempts(ctx: Context, retryAfterSeconds: number): DomainError {
  ctx.resHeaders.set("retry-after", String(retryAfterSeconds));
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new DomainError(
    "TOO_MANY_REQUESTS",
    `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    { retryAfterSeconds },
  );
}

const INVALID_CREDENTIALS = "Incorrect email or password.";

export const authRouter = router({
  me: publicProcedure.query(({ ctx }): Me | null => (ctx.user ? me(ctx.user) : null)),

  /** Self-service sign-up creates customer accounts only; staff come from the CLI or an admin. */
  signUp: publicProcedure
    .input(z.object({ email: emailSchema, name: nameSchema, password: passwordSchema }))
    .mutation(async ({ ctx, input }): Promise<Me> => {
      const user = await createUser(ctx.db, ctx.clock, { ...input, role: "customer" });
      startSession(ctx, user.id);
      return me(user);
    }),

  signIn: publicProcedure
    .input(
      z.object({
        email: emailSchema,
        password: z
          .string()
          .min(1, { error: "Enter your password." })
          .max(PASSWORD_MAX_LENGTH, { error: INVALID_CREDENTIALS }),
      }),
    )
    .mutation(async ({ ctx, input }): Promise<Me> => {
      const keys = { email: input.email, ip: ctx.ip };
      // Counted as a failure from here on, so parallel guesses cannot outrun the lock.
      const attempt = ctx.loginThrottle.attempt(keys);
      if (attempt.retryAfterSeconds > 0) throw tooManyAttempts(ctx, attempt.retryAfterSeconds);

      const user = findUserByEmail(ctx.db, input.email);
      // Unknown emails still pay for a hash so timing does not reveal which accounts exist.
      const valid = user
        ? await verifyPassword(user.passwordHash, input.password)
        : await verifyDummyPassword(input.password);
      if (!user || !valid) {
        const nowBlockedFor = ctx.loginThrottle.retryAfterSeconds(keys);
        if (nowBlockedFor > 0) throw tooManyAttempts(ctx, nowBlockedFor);
        throw new TRPCError({ code: "UNAUTHORIZED", message: INVALID_CREDENTIALS });
      }
      attempt.release();
      if (user.disabled) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: "This account has been disabled. Contact your Folio administrator.",
        });
      }

      ctx.loginThrottle.recordSuccess(keys);
      startSession(ctx, user.id);
      return me(user);
    }),

  /** Ends the current session; harmless when already signed out. */
  signOut: publicProcedure.mutation(({ ctx }) => {
    if (ctx.session) invalidateSession(ctx.db, ctx.session.id);
    endSession(ctx);
    return { ok: true as const };
  }),

  /** Ends every session of the signed-in user, on every device. */
  signOutEverywhere: protectedProcedure.mutation(({ ctx }) => {
    const sessionsEnded = invalidateUserSessions(ctx.db, ctx.user.id);
    endSession(ctx);
    return { ok: true as const, sessionsEnded };
  }),
});
