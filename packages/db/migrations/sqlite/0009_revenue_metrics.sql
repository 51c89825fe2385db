CREATE TABLE `metric_close_customers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`close_id` integer NOT NULL,
	`stripe_customer_id` text NOT NULL,
	`mrr` integer NOT NULL,
	`net_new_mrr` integer NOT NULL,
	FOREIGN KEY (`close_id`) REFERENCES `metric_month_closes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `metric_close_customers_by_close` ON `metric_close_customers` (`close_id`,`stripe_customer_id`);--> statement-breakpoint
CREATE TABLE `metric_month_closes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`month` text NOT NULL,
	`currency` text NOT NULL,
	`mrr` integer NOT NULL,
	`customers` integer NOT NULL,
	`new_mrr` integer NOT NULL,
	`expansion_mrr` integer NOT NULL,
	`contraction_mrr` integer NOT NULL,
	`churned_mrr` integer NOT NULL,
	`reactivation_mrr` integer NOT NULL,
	`closed_at` integer NOT NULL,
	`closed_by_type` text NOT NULL,
	`closed_by_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `metric_month_closes_by_month_currency` ON `metric_month_closes` (`month`,`currency`);--> statement-breakpoint
CREATE TABLE `mrr_movements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`stripe_customer_id` text NOT NULL,
	`currency` text NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`mrr_before` integer NOT NULL,
	`mrr_after` integer NOT NULL,
	`subscription_ids` text NOT NULL,
	`subscriptions_after` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mrr_movements_by_currency_at` ON `mrr_movements` (`currency`,`at`,`kind`,`amount`);--> statement-breakpoint
CREATE INDEX `mrr_movements_by_customer` ON `mrr_movements` (`stripe_customer_id`,`currency`,`at`);--> statement-breakpoint
ALTER TABLE `subscription_history` ADD `mrr` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `subscription_history_by_customer` ON `subscription_history` (`stripe_customer_id`,`effective_at`);