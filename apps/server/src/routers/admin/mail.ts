import { caughtMailById, listCaughtMail } from "@folio/email";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { listInput } from "../../lib/list-input.ts";
import { router, staffProcedure } from "../../trpc.ts";

/** The built-in mailbox (no SMTP_URL): every e-mail Folio sent, for admins. */
export const mailRouter = router({
  /** Newest first; `to` narrows to a recipient (part of the address). */
  list: staffProcedure("mail.read")
    .input(listInput({ to: z.string().trim().min(1).max(254).optional() }))
    .query(async ({ ctx, input }) => {
      const page = await listCaughtMail(ctx.db, input);
      return {
        ...page,
        items: page.items.map((m) => ({ ...m, receivedAt: m.receivedAt.toISOString() })),
      };
    }),

  /** One e-mail: its HTML (shown in a sandboxed frame), plain text and headers. */
  byId: staffProcedure("mail.read")
    .input(z.object({ id: z.string().min(1).max(100) }))
    .query(async ({ ctx, input }) => {
      const mail = await caughtMailById(ctx.db, input.id);
      if (!mail) throw new TRPCError({ code: "NOT_FOUND", message: "No such e-mail." });
      return {
        id: mail.id,
        messageId: mail.messageId,
        fromAddress: mail.fromAddress,
        toAddresses: mail.toAddresses,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        headers: mail.headers,
        receivedAt: mail.receivedAt.toISOString(),
      };
    }),
});
