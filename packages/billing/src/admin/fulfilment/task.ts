import { shippingTasks, type Db } from "@folio/db";
import { eq } from "drizzle-orm";
import { DomainError } from "../../errors.ts";
import { selectTasks, withItems, type FulfilmentTask } from "./view.ts";

/** One task as fulfilment sees it (the packing slip prints this). NOT_FOUND when there is none. */
export async function shippingTaskById(db: Db, taskId: string): Promise<FulfilmentTask> {
  const row = await selectTasks(db).where(eq(shippingTasks.id, taskId)).get();
  if (!row) throw new DomainError("NOT_FOUND", `No shipping task ${taskId}.`);
  const [task] = await withItems(db, [row]);
  if (!task) throw new DomainError("NOT_FOUND", `No shipping task ${taskId}.`);
  return task;
}
