import { issueAccountToken } from "@folio/billing";
import { emailJob, link, sendTemplate, userById } from "./context.ts";

// Account links: the job mints the token when it runs, so the secret never sits in the job's
// payload; a retry mints a fresh one and the earlier (never delivered) one is revoked.

export const passwordResetJob = emailJob("password_reset", async (ctx, { userId }, job) => {
  const user = await userById(ctx.db, userId);
  if (!user || user.disabled) return;
  const { token, expiresAt } = await issueAccountToken(ctx, {
    purpose: "password_reset",
    userId: user.id,
    email: user.email,
  });
  await sendTemplate(ctx, job, user.email, "password_reset", {
    name: user.name,
    url: link(ctx, `/reset-password?token=${token}`),
    expiresAt,
  });
});

export const emailChangeJob = emailJob("email_change", async (ctx, { userId, newEmail }, job) => {
  const user = await userById(ctx.db, userId);
  if (!user || user.disabled) return;
  const { token, expiresAt } = await issueAccountToken(ctx, {
    purpose: "email_change",
    userId: user.id,
    email: newEmail,
  });
  await sendTemplate(ctx, job, newEmail, "email_change", {
    name: user.name,
    newEmail,
    url: link(ctx, `/confirm-email?token=${token}`),
    expiresAt,
  });
});

export const staffInvitationJob = emailJob("staff_invitation", async (ctx, p, job) => {
  const inviter = await userById(ctx.db, p.invitedBy);
  const { token, expiresAt } = await issueAccountToken(ctx, {
    purpose: "staff_invitation",
    userId: null,
    email: p.email,
    role: p.role,
    name: p.name,
    createdBy: p.invitedBy,
  });
  await sendTemplate(ctx, job, p.email, "staff_invitation", {
    name: p.name,
    invitedBy: inviter?.name ?? "An administrator",
    role: p.role,
    url: link(ctx, `/accept-invitation?token=${token}`),
    expiresAt,
  });
});
