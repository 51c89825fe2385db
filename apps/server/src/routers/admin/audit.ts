import { listAuditLog, type AuditLogEntry } from "@folio/billing";
import { ACTOR_TYPES } from "@folio/db";
import { z } from "zod";
import { defineCsvExport } from "../../http/csv-export/define.ts";
import { listInput } from "../../lib/list-input.ts";
import { router, staffProcedure } from "../../trpc.ts";

const day = z.iso.date({ error: "Use a date like 2026-12-31." });

/** The audit list's filters; the CSV export takes the same. */
export const auditListInput = listInput({
  actorType: z.enum(ACTOR_TYPES).optional(),
  /** A user's e-mail, or an actor id: user id, event id (sync), OS user (operator), job name. */
  actor: z.string().trim().min(1).max(255).optional(),
  /** An exact action (`staff.disabled`) or a prefix ending in `*` (`staff.*`). */
  action: z
    .string()
    .max(200)
    .regex(/^[a-z0-9_.]+\*?$/i, "action must be an action name, optionally ending in *")
    .optional(),
  /** The start of the target, e.g. `user:` or `user:usr_123`. */
  target: z.string().min(1).max(255).optional(),
  /** First and last day (UTC), both included. */
  from: day.optional(),
  to: day.optional(),
});

type AuditListInput = z.output<typeof auditListInput>;

const filtersOf = ({ limit: _limit, cursor: _cursor, ...filters }: AuditListInput) => filters;

const json = (value: Record<string, unknown> | null) => (value ? JSON.stringify(value) : null);

/** The audit log, newest first, for admins. Read-only: the table refuses updates and deletes. */
export const auditRouter = router({
  list: staffProcedure("audit.read")
    .input(auditListInput)
    .query(async ({ ctx, input }) => {
      const page = await listAuditLog(ctx.db, filtersOf(input), input);
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((r) => ({ ...r, at: r.at.toISOString() })),
      };
    }),
});

/** `GET /api/export/audit.csv`: the audit list's rows for its filters. */
export const auditCsvExport = defineCsvExport<AuditListInput, AuditLogEntry>({
  kind: "audit",
  permission: "audit.read",
  input: auditListInput,
  fetchPage: (ctx, input, page) => listAuditLog(ctx.db, filtersOf(input), page),
  columns: [
    { header: "Time (UTC)", value: (r) => r.at },
    { header: "Actor type", value: (r) => r.actorType },
    { header: "Actor id", value: (r) => r.actorId },
    { header: "Actor name", value: (r) => r.actorName },
    { header: "Actor e-mail", value: (r) => r.actorEmail },
    { header: "Action", value: (r) => r.action },
    { header: "Target", value: (r) => r.target },
    { header: "Before", value: (r) => json(r.before) },
    { header: "After", value: (r) => json(r.after) },
    { header: "Reason", value: (r) => r.reason },
    { header: "IP", value: (r) => r.ip },
  ],
});
