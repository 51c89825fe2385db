import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ROLES } from "../schema/auth.ts";
import { epochMs } from "./columns.ts";

// PostgreSQL twin of ../schema/auth.ts (schema-lockstep.test.ts keeps them in step).

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ROLES }).notNull().default("customer"),
    /** The merchant's own id for this customer, which the usage API accepts in place of ours. */
    externalId: text("external_id"),
    disabled: boolean("disabled").notNull().default(false),
    createdAt: epochMs("created_at").notNull(),
    updatedAt: epochMs("updated_at").notNull(),
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

export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    secretHash: text("secret_hash").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: epochMs("created_at").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
  },
  (t) => [index("sessions_by_user").on(t.userId)],
);
