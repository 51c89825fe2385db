import { relations, sql } from "drizzle-orm";
import { index, integer, uniqueIndex, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const ROLES = ["customer", "support", "fulfillment", "finance", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ROLES }).notNull().default("customer"),
    /** The merchant's own id for this customer, which the usage API accepts in place of ours. */
    externalId: text("external_id"),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    uniqueIndex("users_by_external_id").on(t.externalId),
    // The admin customers and staff lists: one role, by sign-up time or by e-mail.
    index("users_by_role_created").on(t.role, t.createdAt, t.id),
    index("users_by_role_email").on(t.role, t.email, t.id),
    // Customer search by the start of a name, any case.
    index("users_by_lower_name").on(sql`lower(${t.name})`),
  ],
);

// Lucia-style sessions: the id is public, only a SHA-256 hash of the secret half is stored.
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    secretHash: text("secret_hash").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("sessions_by_user").on(t.userId)],
);

export const usersRelations = relations(users, ({ many }) => ({ sessions: many(sessions) }));
export const sessionsRelations = relations(sessions, ({ one }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
}));
