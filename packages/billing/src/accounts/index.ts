// The user/staff domain: creating accounts, disabling and enabling them, changing roles. The
// routers and the CLI both call these; each mutation is audited in its own transaction.
export type { AccountRow, AccountsContext, UserRef } from "./context.ts";
export {
  createUser,
  createUsers,
  type CreatedUser,
  type CreatingActor,
  type NewUser,
} from "./create-user.ts";
export {
  setUserDisabled,
  type SetUserDisabledInput,
  type SetUserDisabledResult,
} from "./set-disabled.ts";
export {
  changeUserRole,
  type ChangeUserRoleInput,
  type ChangeUserRoleResult,
} from "./change-role.ts";
export { findUserByEmail, type UserWithPasswordHash } from "./find-user.ts";
export { emailSchema, nameSchema, normalizeEmail, passwordSchema } from "./input.ts";
export {
  hashPassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  verifyDummyPassword,
  verifyPassword,
} from "./password.ts";
export {
  consumeAccountToken,
  findAccountToken,
  hashToken,
  issueAccountToken,
  LINK_INVALID,
  TOKEN_TTL_MS,
  type TokenSubject,
} from "./tokens.ts";
export { requestPasswordReset, resetPassword, selfActor } from "./password-reset.ts";
export {
  acceptInvitation,
  invitationFor,
  inviteStaff,
  listPendingInvitations,
} from "./invitations.ts";
export { confirmEmailChange } from "./profile.ts";
