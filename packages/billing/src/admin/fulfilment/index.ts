// The shipping queue: what fulfilment staff see (view.ts: no amounts, e-mails or payment data)
// and the moves they make, each audited (states.ts has the rules).
export { assignShippingTasks, assignTasksInput, type AssignTasksInput } from "./assign.ts";
export {
  cancelFulfilment,
  cancelFulfilmentIn,
  cancelFulfilmentInput,
  type CancelFulfilmentInput,
  type CancelFulfilmentResult,
} from "./cancel.ts";
export { KNOWN_CARRIERS, shipmentDetails, shipmentInput, type KnownCarrier } from "./carriers.ts";
export { orderLockKey, type FulfilmentDeps } from "./context.ts";
export {
  listShippingTasks,
  shippingQueueCounts,
  shippingQueueFilters,
  type ShippingQueueFilters,
} from "./list.ts";
export {
  moveShippingTasks,
  moveTasksInput,
  type InvalidMove,
  type MoveResult,
  type MoveTasksInput,
} from "./move.ts";
export { setShippingTaskNotes, setTaskNotesInput, type SetTaskNotesInput } from "./notes.ts";
export { shipTask, shipTaskInput, type ShipResult, type ShipTaskInput } from "./ship.ts";
export { MOVE_TARGETS, NEXT, OPEN_STATES, isCancelable, type MoveTarget } from "./states.ts";
export { shippingTaskById } from "./task.ts";
export type { FulfilmentItem, FulfilmentTask, ShipTo } from "./view.ts";
