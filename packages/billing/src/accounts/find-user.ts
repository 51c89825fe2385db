import { users, type Db, type Role } from "@folio/db";
import { eq } from "drizzle-orm";
import { normalizeEmail } from "./input.ts";

export interface UserWithPasswordHash {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  passwordHash: string;
}

/** The account for an email (any case), with its password hash: for sign-in only. */
export async function findUserByEmail(
  db: Db,
  email: string,
): Promise<UserWithPasswordHash | undefined> {
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      disabled: users.disabled,
      passwordHash: users.passwordHash,
    })
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .get();
}
