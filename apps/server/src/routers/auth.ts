import {
  audit,
  createUser,
  emailSchema,
  findUserByEmail,
  nameSchema,
  PASSWORD_MAX_LENGTH,
  passwordSchema,
  verifyDummyPassword,
  verifyPassword,
} from "@folio/billing";
import { withTransaction } from "@folio/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { blankSessionCookie, sessionCookie } from "../auth/cookies.ts";
import {
  createSession,
  invalidateSession,
  invalidateUserSessions,
  type SessionUser,
} from "../auth/session.ts";
import { tooManyAttempts } from "../auth/too-many.ts";
import { usesSecureCookies, type Context } from "../context.ts";
import { permissionsFor, type Permission } from "../permissions.ts";
import { protectedProcedure, publicProcedure, router } from "../trpc.ts";

export interface Me {
  user: SessionUser;
  permissions: Permission[];
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

async function startSession(ctx: Context, userId: string): Promise<void> {
  // A new sign-in never reuses the session the browser arrived with.
  if (ctx.session) await invalidateSession(ctx.db, ctx.session.id);
  const { token, session } = await createSession(ctx.db, ctx.clock, userId);
  setSessionCookie(
    ctx,
    sessionCookie(token, session.expiresAt, ctx.clock.now(), usesSecureCookies(ctx.env)),
  );
}

function endSession(ctx: Context): void {
  setSessionCookie(ctx, blankSessionCookie(usesSecureCookies(ctx.env)));
}

const INVALID_CREDENTIALS = "Incorrect email or password.";
const SIGN_IN_THROTTLED = "Too many failed sign-in attempts from this address.";

export const authRouter = router({
  me: publicProcedure.query(({ ctx }): Me | null => (ctx.user ? me(ctx.user) : null)),

  /** Self-service sign-up creates customer accounts only; staff come from the CLI or an admin. */
  signUp: publicProcedure
    .input(z.object({ email: emailSchema, name: nameSchema, password: passwordSchema }))
    .mutation(async ({ ctx, input }): Promise<Me> => {
      const attempt = await ctx.loginThrottle.attemptSignUp(ctx.db, ctx.ip);
      if (attempt.retryAfterSeconds > 0) {
        throw tooManyAttempts(
          ctx,
          "Too many accounts were created from this address.",
          attempt.retryAfterSeconds,
        );
      }
      // Audited as the new customer themselves (`customer.created`, with the request's IP).
      const user = await createUser(
        { db: ctx.db, clock: ctx.clock, actor: { type: "self", ip: ctx.ip } },
        { ...input, role: "customer" },
      );
      await startSession(ctx, user.id);
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
      const attempt = await ctx.loginThrottle.attempt(ctx.db, keys);
      if (attempt.retryAfterSeconds > 0)
        throw tooManyAttempts(ctx, SIGN_IN_THROTTLED, attempt.retryAfterSeconds);

      const user = await findUserByEmail(ctx.db, input.email);
      // Unknown emails still pay for a hash so timing does not reveal which accounts exist.
      const valid = user
        ? await verifyPassword(user.passwordHash, input.password)
        : await verifyDummyPassword(input.password);
      if (!user || !valid) {
        const nowBlockedFor = await ctx.loginThrottle.retryAfterSeconds(ctx.db, keys);
        if (nowBlockedFor > 0) throw tooManyAttempts(ctx, SIGN_IN_THROTTLED, nowBlockedFor);
        throw new TRPCError({ code: "UNAUTHORIZED", message: INVALID_CREDENTIALS });
      }
      await attempt.release();
      if (user.disabled) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: "This account has been disabled. Contact your Folio administrator.",
        });
      }

      await ctx.loginThrottle.recordSuccess(ctx.db, keys);
      await startSession(ctx, user.id);
      return me(user);
    }),

  /** Ends the current session; harmless when already signed out. */
  signOut: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.session) await invalidateSession(ctx.db, ctx.session.id);
    endSession(ctx);
    return { ok: true as const };
  }),

  /** Ends every session of the signed-in user, on every device. */
  signOutEverywhere: protectedProcedure.mutation(async ({ ctx }) => {
    const sessionsEnded = await withTransaction(ctx.db, async (tx) => {
      const ended = await invalidateUserSessions(tx, ctx.user.id);
      await audit(tx, ctx.actor, {
        action: "user.signed_out_everywhere",
        target: `user:${ctx.user.id}`,
        after: { sessionsEnded: ended },
        at: ctx.clock.now(),
      });
      return ended;
    });
    endSession(ctx);
    return { ok: true as const, sessionsEnded };
  }),
});
