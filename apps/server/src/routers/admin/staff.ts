import {
  changeUserRole,
  createUser,
  emailSchema,
  inviteStaff,
  listPendingInvitations,
  nameSchema,
  passwordSchema,
  setUserDisabled,
} from "@folio/billing";
import { ROLES, users, type Db } from "@folio/db";
import { and, eq, ne, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { containsPattern, listInput, sortedKeysetPage, sortInput } from "../../lib/list-input.ts";
import { router, staffProcedure } from "../../trpc.ts";

const STAFF_ROLES = ROLES.filter((r) => r !== "customer") as [
  Exclude<(typeof ROLES)[number], "customer">,
  ...Exclude<(typeof ROLES)[number], "customer">[],
];

const staffListInput = listInput({
  role: z.enum(STAFF_ROLES).optional(),
  disabled: z.boolean().optional(),
  /** Part of the email or name, any case. */
  search: z.string().trim().min(1).max(100).optional(),
  sort: sortInput(["createdAt", "email"], { by: "createdAt", direction: "asc" }),
});

const userId = z.string().min(1).max(100);
/** Why, in the admin's words; kept on the audit row. */
const reason = z.string().trim().max(500).optional();

const SORT_COLUMNS = { createdAt: users.createdAt, email: users.email } as const;

async function listStaff(db: Db, input: z.output<typeof staffListInput>) {
  const filters: (SQL | undefined)[] = [ne(users.role, "customer")];
  if (input.role) filters.push(eq(users.role, input.role));
  if (input.disabled !== undefined) filters.push(eq(users.disabled, input.disabled));
  if (input.search) {
    const pattern = containsPattern(input.search.toLowerCase());
    filters.push(
      or(
        sql`lower(${users.email}) like ${pattern} escape '\\'`,
        sql`lower(${users.name}) like ${pattern} escape '\\'`,
      ),
    );
  }
  return sortedKeysetPage(input.sort, {
    sort: {
      column: SORT_COLUMNS[input.sort.by],
      key: input.sort.by,
      direction: input.sort.direction,
    },
    id: { column: users.id, key: "id" },
    cursor: input.cursor,
    limit: input.limit,
    fetch: ({ after, orderBy, limit }) =>
      db
        .select({
          id: users.id,
          email: users.email,
          name: users.name,
          role: users.role,
          disabled: users.disabled,
          createdAt: users.createdAt,
        })
        .from(users)
        .where(and(...filters, after))
        .orderBy(...orderBy)
        .limit(limit),
    map: (r) => ({ ...r, createdAt: r.createdAt.toISOString() }),
  });
}

/** Staff accounts for admins: the list, and changes through the accounts domain (audited). */
export const staffRouter = router({
  /** Staff accounts (everyone but customers), oldest first unless sorted otherwise. */
  list: staffProcedure("staff.manage")
    .input(staffListInput)
    .query(({ ctx, input }) => listStaff(ctx.db, input)),

  /**
   * Creates a staff account with a role and an initial password the admin hands over (e-mailed
   * invitations come later). Audited as `staff.created` with the admin, their IP and the reason.
   */
  create: staffProcedure("staff.manage")
    .input(
      z.object({
        email: emailSchema,
        name: nameSchema,
        role: z.enum(STAFF_ROLES),
        password: passwordSchema,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const created = await createUser({ db: ctx.db, clock: ctx.clock, actor: ctx.actor }, input);
      return { id: created.id, email: created.email, name: created.name, role: created.role };
    }),

  /**
   * E-mails an invitation: the person chooses their own password from the link (7 days), which
   * creates the account with this role. Audited as `staff.invited`.
   */
  invite: staffProcedure("staff.manage")
    .input(z.object({ email: emailSchema, name: nameSchema, role: z.enum(STAFF_ROLES) }))
    .mutation(({ ctx, input }) =>
      inviteStaff({ db: ctx.db, clock: ctx.clock, actor: ctx.actor }, input),
    ),

  /** Invitations sent and not yet accepted or expired. */
  invitations: staffProcedure("staff.manage").query(async ({ ctx }) =>
    (await listPendingInvitations({ db: ctx.db, clock: ctx.clock })).map((i) => ({
      ...i,
      sentAt: i.sentAt.toISOString(),
      expiresAt: i.expiresAt.toISOString(),
    })),
  ),

  /**
   * Disables a staff account (it cannot sign in; its sessions end at once, on every instance) or
   * enables it again. Not your own account, not the last enabled admin.
   */
  setDisabled: staffProcedure("staff.manage")
    .input(z.object({ userId, disabled: z.boolean(), reason }))
    .mutation(async ({ ctx, input }) => {
      const result = await setUserDisabled(
        { db: ctx.db, clock: ctx.clock, actor: ctx.actor },
        {
          user: { id: input.userId },
          disabled: input.disabled,
          reason: input.reason || null,
          staffOnly: true,
        },
      );
      return {
        id: result.id,
        disabled: result.disabled,
        changed: result.changed,
        sessionsEnded: result.sessionsEnded,
      };
    }),

  /** Gives a staff account another staff role. Not your own, not the last enabled admin's. */
  setRole: staffProcedure("staff.manage")
    .input(z.object({ userId, role: z.enum(STAFF_ROLES), reason }))
    .mutation(async ({ ctx, input }) => {
      const result = await changeUserRole(
        { db: ctx.db, clock: ctx.clock, actor: ctx.actor },
        {
          user: { id: input.userId },
          role: input.role,
          reason: input.reason || null,
          staffOnly: true,
        },
      );
      return { id: result.id, role: result.role, changed: result.changed };
    }),
});
