CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`subject` text NOT NULL,
	`details` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_by_subject` ON `audit_log` (`subject`,`at`);--> statement-breakpoint
CREATE INDEX `audit_log_by_actor` ON `audit_log` (`actor`,`at`);--> statement-breakpoint
CREATE INDEX `audit_log_by_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `billing_customers` (
	`user_id` text PRIMARY KEY NOT NULL,
	`stripe_customer_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `billing_customers_by_stripe_customer` ON `billing_customers` (`stripe_customer_id`);--> statement-breakpoint
CREATE TABLE `credit_ledger` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`balance_transaction_id` text NOT NULL,
	`stripe_customer_id` text NOT NULL,
	`user_id` text,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`ending_balance` integer NOT NULL,
	`reason` text NOT NULL,
	`description` text,
	`invoice_id` text,
	`credit_note_id` text,
	`occurred_at` integer NOT NULL,
	`event_id` text,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_ledger_by_balance_transaction` ON `credit_ledger` (`balance_transaction_id`);--> statement-breakpoint
CREATE INDEX `credit_ledger_by_customer_occurred` ON `credit_ledger` (`stripe_customer_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `order_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`line_item_id` text NOT NULL,
	`price_id` text,
	`product_id` text,
	`lookup_key` text,
	`description` text NOT NULL,
	`quantity` integer NOT NULL,
	`currency` text NOT NULL,
	`unit_amount` integer,
	`amount_subtotal` integer NOT NULL,
	`amount_discount` integer NOT NULL,
	`amount_tax` integer NOT NULL,
	`amount_total` integer NOT NULL,
	`requires_shipping` integer NOT NULL,
	`credits_granted` integer DEFAULT 0 NOT NULL,
	`product_kind` text,
	`deliverable` text,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `order_items_by_order_line` ON `order_items` (`order_id`,`line_item_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`checkout_session_id` text NOT NULL,
	`payment_intent_id` text,
	`stripe_customer_id` text,
	`user_id` text,
	`email` text,
	`currency` text NOT NULL,
	`amount_subtotal` integer NOT NULL,
	`amount_discount` integer NOT NULL,
	`amount_shipping` integer NOT NULL,
	`amount_tax` integer NOT NULL,
	`amount_total` integer NOT NULL,
	`amount_refunded` integer DEFAULT 0 NOT NULL,
	`payment_state` text NOT NULL,
	`dispute_status` text,
	`requires_shipping` integer NOT NULL,
	`shipping_name` text,
	`shipping_phone` text,
	`shipping_line1` text,
	`shipping_line2` text,
	`shipping_city` text,
	`shipping_state` text,
	`shipping_postal_code` text,
	`shipping_country` text,
	`livemode` integer NOT NULL,
	`placed_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_by_checkout_session` ON `orders` (`checkout_session_id`);--> statement-breakpoint
CREATE INDEX `orders_by_payment_intent` ON `orders` (`payment_intent_id`);--> statement-breakpoint
CREATE INDEX `orders_by_user_placed` ON `orders` (`user_id`,`placed_at`);--> statement-breakpoint
CREATE INDEX `orders_by_placed` ON `orders` (`placed_at`);--> statement-breakpoint
CREATE TABLE `shipping_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`carrier` text,
	`tracking_number` text,
	`tracking_url` text,
	`assigned_to` text,
	`packed_at` integer,
	`shipped_at` integer,
	`delivered_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`assigned_to`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipping_tasks_by_order` ON `shipping_tasks` (`order_id`);--> statement-breakpoint
CREATE INDEX `shipping_tasks_open_queue` ON `shipping_tasks` (`status`,`created_at`) WHERE "shipping_tasks"."status" in ('pending', 'packed');--> statement-breakpoint
CREATE TABLE `subscription_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subscription_id` text NOT NULL,
	`stripe_customer_id` text NOT NULL,
	`event_id` text,
	`event_type` text NOT NULL,
	`status` text NOT NULL,
	`currency` text NOT NULL,
	`items` text NOT NULL,
	`interval` text,
	`interval_count` integer,
	`discounts` text NOT NULL,
	`cancel_at_period_end` integer NOT NULL,
	`cancel_at` integer,
	`canceled_at` integer,
	`ended_at` integer,
	`trial_end` integer,
	`paused` integer NOT NULL,
	`fingerprint` text NOT NULL,
	`effective_at` integer NOT NULL,
	`recorded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscription_history_by_subscription_event` ON `subscription_history` (`subscription_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `subscription_history_by_subscription` ON `subscription_history` (`subscription_id`,`id`);--> statement-breakpoint
CREATE INDEX `subscription_history_by_effective` ON `subscription_history` (`effective_at`);