import { hashPassword, normalizeEmail, type Clock, type NewUser } from "@folio/billing";

// Accounts live in @folio/billing (accounts/): createUser, setUserDisabled, changeUserRole, the
// input schemas and password hashing. What is left here is the row builder demo seeding uses
// to hash before it opens its transaction; it writes no audit row and must not grow into a
// second way of creating users.

/** The users row for `input` (argon2id hash, normalised email), for demo seeding only. */
export async function newUserRow(clock: Clock, input: NewUser) {
  const passwordHash = await hashPassword(input.password);
  const now = clock.now();
  return {
    id: crypto.randomUUID(),
    email: normalizeEmail(input.email),
    name: input.name.trim(),
    role: input.role,
    passwordHash,
    createdAt: now,
    updatedAt: now,
  };
}
