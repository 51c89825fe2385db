import { shippingTasks, withTransaction } from "@folio/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit/audit.ts";
import { DomainError } from "../../errors.ts";
import { lockTasks, taskId, type FulfilmentDeps } from "./context.ts";
import { MOVE_TARGETS, refusal, type MoveTarget } from "./states.ts";

export const moveTasksInput = z.object({
  taskIds: z
    .array(taskId)
    .min(1, { message: "Select at least one task." })
    .max(100, { message: "Change at most 100 tasks at a time." }),
  to: z.enum(MOVE_TARGETS, {
    message: "Choose pending, picking, packed or delivered (shipping needs a tracking number).",
  }),
});
export type MoveTasksInput = z.input<typeof moveTasksInput>;

export interface InvalidMove {
  taskId: string;
  orderId: string | null;
  reason: string;
}

export interface MoveResult {
  /** Tasks moved now. */
  changed: string[];
  /** Tasks that were in that state already (a repeated click changes nothing). */
  unchanged: string[];
}

// Timestamps each state sets; moving back (packed → picking) clears the ones after it.
function stampsFor(to: MoveTarget, at: Date) {
  switch (to) {
    case "pending":
      return { pickingAt: null, packedAt: null };
    case "picking":
      return { pickingAt: at, packedAt: null };
    case "packed":
      return { packedAt: at };
    case "delivered":
      return { deliveredAt: at };
  }
}

/**
 * Moves tasks to another state, all or nothing: when any task named cannot make the move (it
 * does not exist, or its state does not allow it) nothing is changed and the error lists every
 * refused task with the reason (`details.invalid`). Tasks already in the target state are left
 * as they are. Each change is audited with the state before and after.
 */
export async function moveShippingTasks(
  deps: FulfilmentDeps,
  raw: MoveTasksInput,
): Promise<MoveResult> {
  const input = moveTasksInput.parse(raw);
  return withTransaction(deps.db, async (tx) => {
    const tasks = await lockTasks(tx, input.taskIds);
    const invalid: InvalidMove[] = [];
    const changed: string[] = [];
    const unchanged: string[] = [];
    for (const id of new Set(input.taskIds)) {
      const task = tasks.get(id);
      if (!task) {
        invalid.push({ taskId: id, orderId: null, reason: "no such shipping task" });
      } else if (task.status === input.to) {
        unchanged.push(id);
      } else {
        const why = refusal(task.status, input.to);
        if (why) invalid.push({ taskId: id, orderId: task.orderId, reason: why });
        else changed.push(id);
      }
    }
    if (invalid.length > 0) {
      const total = new Set(input.taskIds).size;
      const list = invalid.map((i) => `${i.orderId ?? i.taskId}: ${i.reason}`).join("; ");
      throw new DomainError(
        invalid.length === total && invalid.every((i) => i.orderId === null)
          ? "NOT_FOUND"
          : "PRECONDITION_FAILED",
        `Nothing was changed: ${invalid.length} of ${total} ${total === 1 ? "task" : "tasks"} cannot be marked ${input.to} (${list}).`,
        { invalid },
      );
    }
    const at = deps.clock.now();
    for (const id of changed) {
      const before = tasks.get(id)!;
      await tx
        .update(shippingTasks)
        .set({ status: input.to, ...stampsFor(input.to, at), updatedAt: at })
        .where(eq(shippingTasks.id, id));
      await audit(tx, deps.actor, {
        action: "shipping_task.state_changed",
        target: `shipping_task:${id}`,
        before: { status: before.status, orderId: before.orderId },
        after: { status: input.to, orderId: before.orderId },
        at,
      });
    }
    return { changed, unchanged };
  });
}
