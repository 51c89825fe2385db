DROP INDEX "orders_by_placed";--> statement-breakpoint
DROP INDEX "shipping_tasks_open_queue";--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "fulfilment_state" text;--> statement-breakpoint
ALTER TABLE "shipping_tasks" ADD COLUMN "picking_at" bigint;--> statement-breakpoint
ALTER TABLE "shipping_tasks" ADD COLUMN "assigned_at" bigint;--> statement-breakpoint
ALTER TABLE "shipping_tasks" ADD COLUMN "canceled_at" bigint;--> statement-breakpoint
ALTER TABLE "shipping_tasks" ADD COLUMN "cancel_reason" text;--> statement-breakpoint
ALTER TABLE "shipping_tasks" ADD COLUMN "notes" text;--> statement-breakpoint
CREATE INDEX "order_items_by_product" ON "order_items" USING btree ("product_id","order_id");--> statement-breakpoint
CREATE INDEX "orders_by_placed_id" ON "orders" USING btree ("placed_at","id");--> statement-breakpoint
CREATE INDEX "orders_by_fulfilment_placed" ON "orders" USING btree ("fulfilment_state","placed_at","id");--> statement-breakpoint
CREATE INDEX "orders_by_payment_state_placed" ON "orders" USING btree ("payment_state","placed_at","id");--> statement-breakpoint
CREATE INDEX "orders_by_amount" ON "orders" USING btree ("amount_total","id");--> statement-breakpoint
CREATE INDEX "orders_by_stripe_customer" ON "orders" USING btree ("stripe_customer_id");--> statement-breakpoint
CREATE INDEX "orders_by_email_lower" ON "orders" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "orders_by_shipping_name_lower" ON "orders" USING btree (lower("shipping_name"));--> statement-breakpoint
CREATE INDEX "shipping_tasks_by_status_created" ON "shipping_tasks" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "shipping_tasks_by_assignee" ON "shipping_tasks" USING btree ("assigned_to","status","created_at");
--> statement-breakpoint
-- orders.fulfilment_state mirrors its shipping task's status whoever writes the task (the sync's
-- records, staff actions, bulk loads), so the orders list filters on one indexed column; as on
-- SQLite (the sqlite migration of the same name).
UPDATE "orders" SET "fulfilment_state" = (SELECT "status" FROM "shipping_tasks" WHERE "shipping_tasks"."order_id" = "orders"."id");
--> statement-breakpoint
CREATE FUNCTION "shipping_task_state_to_order"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		UPDATE "orders" SET "fulfilment_state" = NULL WHERE "id" = OLD."order_id";
		RETURN OLD;
	END IF;
	UPDATE "orders" SET "fulfilment_state" = NEW."status" WHERE "id" = NEW."order_id";
	RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "shipping_tasks_state_to_order_insert" AFTER INSERT ON "shipping_tasks"
FOR EACH ROW EXECUTE FUNCTION "shipping_task_state_to_order"();
--> statement-breakpoint
CREATE TRIGGER "shipping_tasks_state_to_order_update" AFTER UPDATE OF "status" ON "shipping_tasks"
FOR EACH ROW EXECUTE FUNCTION "shipping_task_state_to_order"();
--> statement-breakpoint
CREATE TRIGGER "shipping_tasks_state_to_order_delete" AFTER DELETE ON "shipping_tasks"
FOR EACH ROW EXECUTE FUNCTION "shipping_task_state_to_order"();
