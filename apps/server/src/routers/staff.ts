import { DomainError } from "@folio/billing";
import { users } from "@folio/db";
import { and, asc, eq, gt, ne, or } from "drizzle-orm";
import { z } from "zod";
import { invalidateUserSessions } from "../auth/session.ts";
import { decodeCursor, pageInput, toPage } from "../lib/pagination.ts";
import { router, staffProcedure } from "../trpc.ts";

const cursorSchema = z.object({ createdAt: z.number().int(), id: z.string() });

export const staffRouter = router({
  /** Staff accounts (everyone but customers), oldest first. */
  list: staffProcedure("staff.manage")
    .input(pageInput.default({ limit: 25 }))
    .query(({ ctx, input }) => {
      const after = input.cursor ? decodeCursor(input.cursor, cursorSchema) : null;
      const rows = ctx.db
        .select({
          id: users.id,
          email: users.email,
          name: users.name,
          role: users.role,
          disabled: users.disabled,
          createdAt: users.createdAt,
        })
        .from(users)
        .where(
          and(
            ne(users.role, "customer"),
            after
              ? or(
                  gt(users.createdAt, new Date(after.createdAt)),
                  and(eq(users.createdAt, new Date(after.createdAt)), gt(users.id, after.id)),
                )
              : undefined,
          ),
        )
        .orderBy(asc(users.createdAt), asc(users.id))
        .limit(input.limit + 1)
        .all();
      return toPage(
        rows,
        input.limit,
        (r) => ({ createdAt: r.createdAt.getTime(), id: r.id }),
        (r) => ({ ...r, createdAt: r.createdAt.toISOString() }),
      );
    }),

  /** Disables (signs out everywhere, blocks sign-in) or re-enables a staff account. */
  setDisabled: staffProcedure("staff.manage")
    .input(z.object({ userId: z.string().min(1).max(100), disabled: z.boolean() }))
    .mutation(({ ctx, input }) => {
      if (input.userId === ctx.user.id && input.disabled) {
        throw new DomainError(
          "PRECONDITION_FAILED",
          "You cannot disable your own account. Ask another admin to do it.",
        );
      }
      const row = ctx.db
        .update(users)
        .set({ disabled: input.disabled, updatedAt: ctx.clock.now() })
        .where(and(eq(users.id, input.userId), ne(users.role, "customer")))
        .returning({ id: users.id, disabled: users.disabled })
        .get();
      if (!row) throw new DomainError("NOT_FOUND", "No staff account with that id.");
      // Sessions of disabled users are refused anyway; deleting them just tidies up.
      if (row.disabled) invalidateUserSessions(ctx.db, row.id);
      return row;
    }),
});
