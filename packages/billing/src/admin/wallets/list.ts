import { users, WALLET_ENTRY_TYPES, type Db, type Page } from "@folio/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { listWalletTransactions, type WalletTransaction } from "../../wallets/list.ts";

const DAY = 86_400_000;
const day = z.iso.date({ message: "Use a date like 2026-01-31." });

/** Filters of the all-customers wallet transactions list (all optional, all together narrow). */
export const walletTransactionFilters = {
  /** A customer's Folio id (`usr_…`) or e-mail address. */
  customer: z.string().trim().min(1).max(200).optional(),
  type: z.enum(WALLET_ENTRY_TYPES).optional(),
  /** On or after this day (UTC). */
  from: day.optional(),
  /** On or before this day (UTC). */
  to: day.optional(),
};
const filtersSchema = z
  .object(walletTransactionFilters)
  .refine((f) => !(f.from && f.to && f.from > f.to), {
    message: "The start date is after the end date.",
    path: ["to"],
  });
export type WalletTransactionFilters = z.input<typeof filtersSchema>;

/** The user a customer filter names: an id as is, an e-mail looked up (null: nobody has it). */
async function customerOf(db: Db, customer: string): Promise<string | null> {
  if (!customer.includes("@")) return customer;
  const row = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, customer.toLowerCase()))
    .get();
  return row?.id ?? null;
}

/** Every customer's wallet transactions for staff, newest first, keyset-paginated. */
export async function listAllWalletTransactions(
  db: Db,
  raw: WalletTransactionFilters,
  page: { cursor?: string | undefined; limit: number },
): Promise<Page<WalletTransaction>> {
  const f = filtersSchema.parse(raw);
  const userId = f.customer === undefined ? undefined : await customerOf(db, f.customer);
  if (userId === null) return { items: [], nextCursor: null };
  return listWalletTransactions(db, {
    userId,
    type: f.type,
    from: f.from ? new Date(`${f.from}T00:00:00Z`) : undefined,
    to: f.to ? new Date(new Date(`${f.to}T00:00:00Z`).getTime() + DAY) : undefined,
    cursor: page.cursor,
    limit: page.limit,
  });
}
