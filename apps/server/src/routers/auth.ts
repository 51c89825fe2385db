import {
  acceptInvitation,
  audit,
  confirmEmailChange,
  createUser,
  emailSchema,
  findUserByEmail,
  invitationFor,
  nameSchema,
  PASSWORD_MAX_LENGTH,
  passwordSchema,
  requestPasswordReset,
  resetPassword,
  verifyDummyPassword,
  verifyPassword,
} from "@folio/billing";
import { users, withTransaction } from "@folio/db";
import { eq } from "drizzle-orm";
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
/** A reset or invitation link's secret (43 base64url characters as minted). */
const linkToken = z.string().trim().min(1, { error: "This link is incomplete." }).max(200);
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

  /**
   * "Forgot password?": e-mails a reset link when the address has an enabled account. The answer
   * is the same whether or not it does; only the per-address throttle says anything (429).
   */
  requestPasswordReset: publicProcedure
    .input(z.object({ email: emailSchema }))
    .mutation(async ({ ctx, input }) => {
      const attempt = await ctx.loginThrottle.attemptPasswordReset(ctx.db, ctx.ip);
      if (attempt.retryAfterSeconds > 0) {
        throw tooManyAttempts(
          ctx,
          "Too many password resets were asked for from this address.",
          attempt.retryAfterSeconds,
        );
      }
      if ((await ctx.loginThrottle.attemptPasswordResetFor(ctx.db, input.email)) === 0) {
        await requestPasswordReset({ db: ctx.db, clock: ctx.clock }, { ...input, ip: ctx.ip });
      }
      return { ok: true as const };
    }),

  /** Sets a new password from a reset link (once, within 30 minutes); every session ends. */
  resetPassword: publicProcedure
    .input(z.object({ token: linkToken, password: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      const { sessionsEnded } = await resetPassword(
        { db: ctx.db, clock: ctx.clock },
        { token: input.token, newPassword: input.password, ip: ctx.ip },
      );
      // The browser's own session (if any) ended with the others.
      if (ctx.session) endSession(ctx);
      return { ok: true as const, sessionsEnded };
    }),

  /** Who a staff invitation link is for (the accept page greets them); 400 when it is spent. */
  invitation: publicProcedure
    .input(z.object({ token: linkToken }))
    .query(({ ctx, input }) => invitationFor({ db: ctx.db, clock: ctx.clock }, input.token)),

  /** Accepts a staff invitation: creates the account with the chosen password, signed in. */
  acceptInvitation: publicProcedure
    .input(z.object({ token: linkToken, password: passwordSchema }))
    .mutation(async ({ ctx, input }): Promise<Me> => {
      const { userId } = await acceptInvitation(
        { db: ctx.db, clock: ctx.clock },
        { token: input.token, password: input.password, ip: ctx.ip },
      );
      const user = await ctx.db
        .select({ id: users.id, email: users.email, name: users.name, role: users.role })
        .from(users)
        .where(eq(users.id, userId))
        .get();
      await startSession(ctx, userId);
      return me(user!);
    }),

  /** Applies an e-mail change from the link sent to the new address (once, 30 minutes). */
  confirmEmail: publicProcedure
    .input(z.object({ token: linkToken }))
    .mutation(({ ctx, input }) =>
      confirmEmailChange(
        { db: ctx.db, clock: ctx.clock, stripe: ctx.stripe },
        { token: input.token, ip: ctx.ip },
      ),
    ),

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
