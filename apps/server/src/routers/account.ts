import {
  changePassword,
  emailSchema,
  isWrongPassword,
  nameSchema,
  PASSWORD_MAX_LENGTH,
  passwordSchema,
  updateProfile,
} from "@folio/billing";
import { z } from "zod";
import { tooManyAttempts } from "../auth/too-many.ts";
import type { Context } from "../context.ts";
import { protectedProcedure, router } from "../trpc.ts";

const currentPassword = z
  .string()
  .min(1, { error: "Enter your current password." })
  .max(PASSWORD_MAX_LENGTH, { error: "Your current password is not correct." });

/**
 * Runs a change that confirms the user's password under the sign-in throttle: a wrong password
 * counts as a failed sign-in for the account's email and the client's IP, so an open session
 * cannot be used to guess it faster than the sign-in form allows.
 */
const PASSWORD_THROTTLED = "Too many incorrect passwords.";

async function withPasswordThrottle<T>(
  ctx: Context & { user: NonNullable<Context["user"]> },
  run: () => Promise<T>,
): Promise<T> {
  const keys = { email: ctx.user.email, ip: ctx.ip };
  const attempt = await ctx.loginThrottle.attempt(ctx.db, keys);
  if (attempt.retryAfterSeconds > 0)
    throw tooManyAttempts(ctx, PASSWORD_THROTTLED, attempt.retryAfterSeconds);
  try {
    const result = await run();
    await attempt.release();
    return result;
  } catch (e) {
    if (!isWrongPassword(e)) {
      // Refused for another reason (email taken, Stripe down): not a guess.
      await attempt.release();
      throw e;
    }
    const blockedFor = await ctx.loginThrottle.retryAfterSeconds(ctx.db, keys);
    if (blockedFor > 0) throw tooManyAttempts(ctx, PASSWORD_THROTTLED, blockedFor);
    throw e;
  }
}

/** The signed-in user's own account (customers and staff): acts on ctx.user only. */
export const accountRouter = router({
  /** New name and email, confirmed with the current password; Stripe's customer follows. */
  updateProfile: protectedProcedure
    .input(
      z.object({
        name: nameSchema,
        email: emailSchema,
        currentPassword,
        attemptId: z.uuid(),
      }),
    )
    .mutation(({ ctx, input }) =>
      withPasswordThrottle(ctx, () =>
        updateProfile(
          { db: ctx.db, clock: ctx.clock, actor: ctx.actor, stripe: ctx.stripe },
          input,
        ),
      ),
    ),

  /** A new password; every other session ends, this one stays signed in. */
  changePassword: protectedProcedure
    .input(z.object({ currentPassword, newPassword: passwordSchema }))
    .mutation(({ ctx, input }) =>
      withPasswordThrottle(ctx, () =>
        changePassword(
          { db: ctx.db, clock: ctx.clock, actor: ctx.actor },
          { ...input, keepSessionId: ctx.session?.id ?? null },
        ),
      ),
    ),
});
