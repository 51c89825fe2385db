import { index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ACCOUNT_TOKEN_PURPOSES } from "../schema/mail.ts";
import { ROLES } from "../schema/auth.ts";
import { users } from "./auth.ts";
import { epochMs, int } from "./columns.ts";

// PostgreSQL twin of ../schema/mail.ts (schema-lockstep.test.ts keeps them in step).

export const accountTokens = pgTable(
  "account_tokens",
  {
    id: text("id").primaryKey(),
    purpose: text("purpose", { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    tokenHash: text("token_hash").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role", { enum: ROLES }),
    name: text("name"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: epochMs("created_at").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
    usedAt: epochMs("used_at"),
  },
  (t) => [
    uniqueIndex("account_tokens_by_hash").on(t.tokenHash),
    index("account_tokens_by_user").on(t.userId, t.purpose),
    index("account_tokens_by_email").on(t.purpose, t.email),
  ],
);

export const caughtMail = pgTable(
  "caught_mail",
  {
    id: text("id").primaryKey(),
    messageId: text("message_id"),
    fromAddress: text("from_address").notNull(),
    toAddresses: text("to_addresses").notNull(),
    subject: text("subject").notNull(),
    html: text("html"),
    text: text("text"),
    headers: jsonb("headers").$type<[string, string][]>().notNull(),
    size: int("size").notNull(),
    receivedAt: epochMs("received_at").notNull(),
  },
  (t) => [index("caught_mail_by_received").on(t.receivedAt, t.id)],
);
