import { listSettings, SETTING_KEYS, updateSetting } from "@folio/billing";
import { z } from "zod";
import { router, staffProcedure } from "../../trpc.ts";

/** Console settings (approval limits, …), each key validated by its schema in billing. */
export const settingsRouter = router({
  list: staffProcedure("settings.manage").query(async ({ ctx }) =>
    (await listSettings(ctx.db)).map((s) => ({
      ...s,
      updatedAt: s.updatedAt?.toISOString() ?? null,
    })),
  ),

  /** Saves one setting (its value is checked against the key's schema), audited. */
  update: staffProcedure("settings.manage")
    .input(
      z.object({
        key: z.enum(SETTING_KEYS),
        value: z.unknown(),
        reason: z.string().trim().max(500).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => ({
      key: input.key,
      value: await updateSetting(
        { db: ctx.db, clock: ctx.clock, actor: ctx.actor },
        input.key,
        input.value,
        input.reason,
      ),
    })),
});
