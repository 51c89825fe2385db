import { ACTOR_TYPES, auditLog, keysetPage, type Db } from "@folio/db";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { listInput, prefixPattern } from "../../lib/list-input.ts";
import { router, staffProcedure } from "../../trpc.ts";

const auditListInput = listInput({
  actorType: z.enum(ACTOR_TYPES).optional(),
  /** A user id (customer/staff), event id (sync), OS user (operator) or job name. */
  actorId: z.string().min(1).max(255).optional(),
  /** An exact action (`staff.disabled`) or a prefix ending in `*` (`staff.*`). */
  action: z
    .string()
    .max(200)
    .regex(/^[a-z0-9_.]+\*?$/i, "action must be an action name, optionally ending in *")
    .optional(),
  /** The start of the target, e.g. `user:` or `user:usr_123`. */
  target: z.string().min(1).max(255).optional(),
});

function likePrefix(column: typeof auditLog.target | typeof auditLog.action, prefix: string): SQL {
  return sql`${column} like ${prefixPattern(prefix)} escape '\\'`;
}

async function listAudit(db: Db, input: z.output<typeof auditListInput>) {
  const filters: SQL[] = [];
  if (input.actorType) filters.push(eq(auditLog.actorType, input.actorType));
  if (input.actorId) filters.push(eq(auditLog.actorId, input.actorId));
  if (input.action) {
    filters.push(
      input.action.endsWith("*")
        ? likePrefix(auditLog.action, input.action.slice(0, -1))
        : eq(auditLog.action, input.action),
    );
  }
  if (input.target) filters.push(likePrefix(auditLog.target, input.target));
  return keysetPage({
    sort: { column: auditLog.at, key: "at", direction: "desc" },
    id: { column: auditLog.id, key: "id" },
    cursor: input.cursor,
    limit: input.limit,
    fetch: ({ after, orderBy, limit }) =>
      db
        .select()
        .from(auditLog)
        .where(and(...filters, after))
        .orderBy(...orderBy)
        .limit(limit),
    map: (r) => ({
      id: r.id,
      actorType: r.actorType,
      actorId: r.actorId,
      action: r.action,
      target: r.target,
      before: r.before,
      after: r.after,
      reason: r.reason,
      ip: r.ip,
      at: r.at.toISOString(),
    }),
  });
}

/** The audit log, newest first, for admins. Read-only: the table refuses updates and deletes. */
export const auditRouter = router({
  list: staffProcedure("audit.read")
    .input(auditListInput)
    .query(({ ctx, input }) => listAudit(ctx.db, input)),
});
