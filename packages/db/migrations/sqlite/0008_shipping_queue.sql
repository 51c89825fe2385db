DROP INDEX `orders_by_placed`;--> statement-breakpoint
ALTER TABLE `orders` ADD `fulfilment_state` text;--> statement-breakpoint
CREATE INDEX `orders_by_placed_id` ON `orders` (`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_by_fulfilment_placed` ON `orders` (`fulfilment_state`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_by_payment_state_placed` ON `orders` (`payment_state`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_by_amount` ON `orders` (`amount_total`,`id`);--> statement-breakpoint
CREATE INDEX `orders_by_stripe_customer` ON `orders` (`stripe_customer_id`);--> statement-breakpoint
CREATE INDEX `orders_by_email_lower` ON `orders` (lower("email"));--> statement-breakpoint
CREATE INDEX `orders_by_shipping_name_lower` ON `orders` (lower("shipping_name"));--> statement-breakpoint
DROP INDEX `shipping_tasks_open_queue`;--> statement-breakpoint
ALTER TABLE `shipping_tasks` ADD `picking_at` integer;--> statement-breakpoint
ALTER TABLE `shipping_tasks` ADD `assigned_at` integer;--> statement-breakpoint
ALTER TABLE `shipping_tasks` ADD `canceled_at` integer;--> statement-breakpoint
ALTER TABLE `shipping_tasks` ADD `cancel_reason` text;--> statement-breakpoint
ALTER TABLE `shipping_tasks` ADD `notes` text;--> statement-breakpoint
CREATE INDEX `shipping_tasks_by_status_created` ON `shipping_tasks` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `shipping_tasks_by_assignee` ON `shipping_tasks` (`assigned_to`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `order_items_by_product` ON `order_items` (`product_id`,`order_id`);
--> statement-breakpoint
-- orders.fulfilment_state mirrors its shipping task's status whoever writes the task (the sync's
-- records, staff actions, bulk loads), so the orders list filters on one indexed column.
UPDATE `orders` SET `fulfilment_state` = (SELECT `status` FROM `shipping_tasks` WHERE `shipping_tasks`.`order_id` = `orders`.`id`);
--> statement-breakpoint
CREATE TRIGGER `shipping_tasks_state_to_order_insert` AFTER INSERT ON `shipping_tasks`
BEGIN UPDATE `orders` SET `fulfilment_state` = NEW.`status` WHERE `id` = NEW.`order_id`; END;
--> statement-breakpoint
CREATE TRIGGER `shipping_tasks_state_to_order_update` AFTER UPDATE OF `status` ON `shipping_tasks`
BEGIN UPDATE `orders` SET `fulfilment_state` = NEW.`status` WHERE `id` = NEW.`order_id`; END;
--> statement-breakpoint
CREATE TRIGGER `shipping_tasks_state_to_order_delete` AFTER DELETE ON `shipping_tasks`
BEGIN UPDATE `orders` SET `fulfilment_state` = NULL WHERE `id` = OLD.`order_id`; END;
