import { shippingTasks, withTransaction } from "@folio/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit/audit.ts";
import { DomainError } from "../../errors.ts";
import { lockTasks, taskId, type FulfilmentDeps } from "./context.ts";

export const setTaskNotesInput = z.object({
  taskId,
  /** Empty clears the notes. */
  notes: z.string().trim().max(1000, { message: "Keep notes under 1,000 characters." }),
});
export type SetTaskNotesInput = z.input<typeof setTaskNotesInput>;

/** Notes for whoever packs the order (printed on the packing slip). Audited with old and new. */
export async function setShippingTaskNotes(
  deps: FulfilmentDeps,
  raw: SetTaskNotesInput,
): Promise<{ taskId: string; notes: string | null; changed: boolean }> {
  const input = setTaskNotesInput.parse(raw);
  const notes = input.notes === "" ? null : input.notes;
  return withTransaction(deps.db, async (tx) => {
    const task = (await lockTasks(tx, [input.taskId])).get(input.taskId);
    if (!task) throw new DomainError("NOT_FOUND", `No shipping task ${input.taskId}.`);
    if (task.notes === notes) return { taskId: task.id, notes, changed: false };
    const at = deps.clock.now();
    await tx
      .update(shippingTasks)
      .set({ notes, updatedAt: at })
      .where(eq(shippingTasks.id, task.id));
    await audit(tx, deps.actor, {
      action: "shipping_task.notes_changed",
      target: `shipping_task:${task.id}`,
      before: { notes: task.notes, orderId: task.orderId },
      after: { notes, orderId: task.orderId },
      at,
    });
    return { taskId: task.id, notes, changed: true };
  });
}
