import { createApiKey, createApiKeyInput, listApiKeys, revokeApiKey } from "@folio/billing";
import { z } from "zod";
import { router, staffProcedure } from "../../trpc.ts";

const view = (k: Awaited<ReturnType<typeof listApiKeys>>[number]) => ({
  ...k,
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
});

/** Keys for the usage API (/api/v1): made, listed and revoked by admins; audited. */
export const apiKeysRouter = router({
  list: staffProcedure("apiKeys.manage").query(async ({ ctx }) =>
    (await listApiKeys(ctx.db)).map(view),
  ),

  /** Makes a key. The secret is in this answer only: Folio keeps its hash. */
  create: staffProcedure("apiKeys.manage")
    .input(createApiKeyInput)
    .mutation(async ({ ctx, input }) => {
      const { key, apiKey } = await createApiKey(
        { db: ctx.db, clock: ctx.clock, actor: ctx.actor },
        input,
      );
      return { key, apiKey: view(apiKey) };
    }),

  revoke: staffProcedure("apiKeys.manage")
    .input(z.object({ id: z.string().trim().min(1).max(100) }))
    .mutation(async ({ ctx, input }) =>
      view(await revokeApiKey({ db: ctx.db, clock: ctx.clock, actor: ctx.actor }, input.id)),
    ),
});
