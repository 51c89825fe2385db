import { shippingTasks, withTransaction } from "@folio/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit/audit.ts";
import { DomainError } from "../../errors.ts";
import { lockTasks, taskId, type FulfilmentDeps } from "./context.ts";

export const assignTasksInput = z.object({
  taskIds: z
    .array(taskId)
    .min(1, { message: "Select at least one task." })
    .max(100, { message: "Assign at most 100 tasks at a time." }),
  /** `me`: the caller takes the tasks; `nobody`: they go back to the shared queue. */
  assignee: z.enum(["me", "nobody"]),
});
export type AssignTasksInput = z.input<typeof assignTasksInput>;

/**
 * Takes tasks (assign to me) or puts them back in the queue, all or nothing. Finished tasks
 * (shipped, delivered, canceled) keep who worked them. Audited per task that changed.
 */
export async function assignShippingTasks(
  deps: FulfilmentDeps,
  raw: AssignTasksInput,
): Promise<{ changed: string[]; unchanged: string[] }> {
  const input = assignTasksInput.parse(raw);
  const actor = deps.actor;
  if (actor.type !== "staff") throw new DomainError("FORBIDDEN", "Only staff take shipping tasks.");
  const to = input.assignee === "me" ? actor.userId : null;
  return withTransaction(deps.db, async (tx) => {
    const tasks = await lockTasks(tx, input.taskIds);
    const ids = [...new Set(input.taskIds)];
    const missing = ids.filter((id) => !tasks.has(id));
    if (missing.length > 0) {
      throw new DomainError(
        "NOT_FOUND",
        `Nothing was changed: no shipping task ${missing.join(", ")}.`,
      );
    }
    const finished = ids.filter(
      (id) => !["pending", "picking", "packed"].includes(tasks.get(id)?.status ?? ""),
    );
    if (finished.length > 0) {
      const orders = finished.map((id) => `${tasks.get(id)?.orderId} (${tasks.get(id)?.status})`);
      throw new DomainError(
        "PRECONDITION_FAILED",
        `Nothing was changed: ${orders.join(", ")} ${finished.length === 1 ? "is" : "are"} no longer in the queue.`,
        { invalid: finished },
      );
    }
    const at = deps.clock.now();
    const changed: string[] = [];
    const unchanged: string[] = [];
    for (const id of ids) {
      const task = tasks.get(id);
      if (!task || task.assignedTo === to) {
        unchanged.push(id);
        continue;
      }
      await tx
        .update(shippingTasks)
        .set({ assignedTo: to, assignedAt: to ? at : null, updatedAt: at })
        .where(eq(shippingTasks.id, id));
      await audit(tx, actor, {
        action: to ? "shipping_task.assigned" : "shipping_task.unassigned",
        target: `shipping_task:${id}`,
        before: { assignedTo: task.assignedTo, orderId: task.orderId },
        after: { assignedTo: to, orderId: task.orderId },
        at,
      });
      changed.push(id);
    }
    return { changed, unchanged };
  });
}
