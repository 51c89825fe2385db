import { users } from "@folio/db";
import { and, asc, eq, gt, ne, or } from "drizzle-orm";
import { z } from "zod";
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
});
