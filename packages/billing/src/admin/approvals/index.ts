// Maker/checker for money staff move: who needs approval, the queue, and the decision.
export {
  assertCanDecide,
  assertCanMoveMoney,
  needsApproval,
  type StaffActor,
  type StaffCommandDeps,
} from "./policy.ts";
export {
  decideRequest,
  decideRequestInput,
  type Decided,
  type DecideRequestInput,
} from "./decide.ts";
export { listPendingApprovals, type PendingApproval } from "./list.ts";
