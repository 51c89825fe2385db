import { caughtMail, keysetPage, type Db } from "@folio/db";
import { and, eq, sql } from "drizzle-orm";

// The admin "Sent mail" page: what the demo mailbox caught, newest first.

export interface SentMailListInput {
  /** Only mail to this address (substring). */
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export async function listCaughtMail(db: Db, input: SentMailListInput) {
  // ESCAPE spelled out: SQLite has no default escape character, PostgreSQL's is the backslash.
  const filter = input.to
    ? sql`${caughtMail.toAddresses} like ${`%${escapeLike(input.to)}%`} escape '\\'`
    : undefined;
  return keysetPage({
    sort: { column: caughtMail.receivedAt, key: "receivedAt", direction: "desc" },
    id: { column: caughtMail.id, key: "id" },
    cursor: input.cursor,
    limit: input.limit,
    fetch: ({ after, orderBy, limit }) =>
      db
        .select({
          id: caughtMail.id,
          fromAddress: caughtMail.fromAddress,
          toAddresses: caughtMail.toAddresses,
          subject: caughtMail.subject,
          receivedAt: caughtMail.receivedAt,
        })
        .from(caughtMail)
        .where(and(filter, after))
        .orderBy(...orderBy)
        .limit(limit),
    map: (row) => row,
  });
}

export async function caughtMailById(db: Db, id: string) {
  return (await db.select().from(caughtMail).where(eq(caughtMail.id, id)).get()) ?? null;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
