import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ROLES, users } from "./auth.ts";

export const ACCOUNT_TOKEN_PURPOSES = [
  "password_reset",
  "email_change",
  "staff_invitation",
] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/**
 * Single-use links sent by e-mail (password reset, e-mail change, staff invitation). Only a
 * SHA-256 hash of the secret is stored, as for sessions; `usedAt` makes a link work once.
 */
export const accountTokens = sqliteTable(
  "account_tokens",
  {
    id: text("id").primaryKey(),
    purpose: text("purpose", { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    tokenHash: text("token_hash").notNull(),
    /** The account it acts on; null for an invitation until it is accepted. */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    /** Where the link was sent: the account's address, the new address, the invitee's. */
    email: text("email").notNull(),
    /** Invitations: the role and name the new staff account gets. */
    role: text("role", { enum: ROLES }),
    name: text("name"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("account_tokens_by_hash").on(t.tokenHash),
    // Requesting a new link revokes the account's earlier ones of the same purpose.
    index("account_tokens_by_user").on(t.userId, t.purpose),
    // Pending invitations by address (the staff page's list, re-inviting).
    index("account_tokens_by_email").on(t.purpose, t.email),
  ],
);

/**
 * What demo mode's embedded SMTP catcher received, for the admin "Sent mail" page. With a real
 * SMTP server configured nothing is written here.
 */
export const caughtMail = sqliteTable(
  "caught_mail",
  {
    id: text("id").primaryKey(),
    messageId: text("message_id"),
    fromAddress: text("from_address").notNull(),
    /** Envelope recipients, comma-separated. */
    toAddresses: text("to_addresses").notNull(),
    subject: text("subject").notNull(),
    html: text("html"),
    text: text("text"),
    headers: text("headers", { mode: "json" }).$type<[string, string][]>().notNull(),
    size: integer("size").notNull(),
    receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("caught_mail_by_received").on(t.receivedAt, t.id)],
);
