CREATE TABLE `metric_rebuilds` (
	`name` text PRIMARY KEY NOT NULL,
	`generation` integer NOT NULL,
	`cursor` text,
	`customers_done` integer NOT NULL,
	`customers_total` integer,
	`requested_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
DROP INDEX `mrr_movements_by_currency_at`;--> statement-breakpoint
-- SQLite adds a NOT NULL column only with a default; every row gets its value just below.
ALTER TABLE `mrr_movements` ADD `paying_since` integer NOT NULL DEFAULT 0;--> statement-breakpoint
-- Movements stored before the column existed: the spell began at the customer's latest new or
-- reactivation movement in that currency up to this one (a customer's first movement is new).
UPDATE `mrr_movements` SET `paying_since` = coalesce((SELECT max(p.`at`) FROM `mrr_movements` p WHERE p.`stripe_customer_id` = `mrr_movements`.`stripe_customer_id` AND p.`currency` = `mrr_movements`.`currency` AND p.`kind` IN ('new', 'reactivation') AND p.`at` <= `mrr_movements`.`at`), `mrr_movements`.`at`);--> statement-breakpoint
CREATE INDEX `mrr_movements_by_currency_at` ON `mrr_movements` (`currency`,`at`,`kind`,`amount`,`paying_since`);