CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`secret_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_by` text,
	`last_used_at` integer,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`revoked_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_by_secret_hash` ON `api_keys` (`secret_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_by_created` ON `api_keys` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `meters` (
	`key` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`unit_label` text NOT NULL,
	`aggregation` text NOT NULL,
	`stripe_meter_id` text,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `plan_allowances` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`product_key` text NOT NULL,
	`stripe_product_id` text,
	`meter_key` text NOT NULL,
	`included` integer,
	`overage` text NOT NULL,
	`stripe_metered_price_id` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`meter_key`) REFERENCES `meters`(`key`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plan_allowances_by_product_meter` ON `plan_allowances` (`product_key`,`meter_key`);--> statement-breakpoint
CREATE INDEX `plan_allowances_by_stripe_product` ON `plan_allowances` (`stripe_product_id`);--> statement-breakpoint
CREATE TABLE `usage_counters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`meter_key` text NOT NULL,
	`period_start` integer NOT NULL,
	`period_end` integer NOT NULL,
	`subscription_id` text,
	`included` integer,
	`overage` text NOT NULL,
	`quantity` integer DEFAULT 0 NOT NULL,
	`included_used` integer DEFAULT 0 NOT NULL,
	`credits_used` integer DEFAULT 0 NOT NULL,
	`overage_quantity` integer DEFAULT 0 NOT NULL,
	`overage_reported` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`meter_key`) REFERENCES `meters`(`key`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_counters_by_customer_meter_period` ON `usage_counters` (`user_id`,`meter_key`,`period_start`);--> statement-breakpoint
CREATE INDEX `usage_counters_overage_unreported` ON `usage_counters` (`period_end`,`id`) WHERE "usage_counters"."overage_quantity" > "usage_counters"."overage_reported";--> statement-breakpoint
CREATE TABLE `usage_daily` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`meter_key` text NOT NULL,
	`day` integer NOT NULL,
	`quantity` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`meter_key`) REFERENCES `meters`(`key`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_daily_by_customer_meter_day` ON `usage_daily` (`user_id`,`meter_key`,`day`);--> statement-breakpoint
CREATE TABLE `usage_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`meter_key` text NOT NULL,
	`quantity` integer NOT NULL,
	`occurred_at` integer NOT NULL,
	`period_start` integer NOT NULL,
	`idempotency_key` text NOT NULL,
	`api_key_id` text,
	`included_quantity` integer NOT NULL,
	`credits_quantity` integer NOT NULL,
	`overage_quantity` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`meter_key`) REFERENCES `meters`(`key`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_events_by_customer_idempotency` ON `usage_events` (`user_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `usage_events_by_customer_meter_occurred` ON `usage_events` (`user_id`,`meter_key`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `wallet_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`type` text NOT NULL,
	`units` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`expires_at` integer,
	`reason` text,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`source_id` text NOT NULL,
	`order_id` text,
	`usage_event_id` integer,
	`meter_key` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wallet_entries_by_source` ON `wallet_entries` (`source_id`);--> statement-breakpoint
CREATE INDEX `wallet_entries_by_customer_at` ON `wallet_entries` (`user_id`,`at`,`id`);--> statement-breakpoint
CREATE INDEX `wallet_entries_by_at` ON `wallet_entries` (`at`,`id`);--> statement-breakpoint
CREATE INDEX `wallet_entries_by_type_at` ON `wallet_entries` (`type`,`at`,`id`);--> statement-breakpoint
CREATE INDEX `wallet_entries_by_order` ON `wallet_entries` (`order_id`);--> statement-breakpoint
CREATE TABLE `wallet_lots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`entry_id` integer NOT NULL,
	`units` integer NOT NULL,
	`remaining` integer NOT NULL,
	`expires_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`entry_id`) REFERENCES `wallet_entries`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "wallet_lots_remaining_in_range" CHECK("wallet_lots"."remaining" >= 0 and "wallet_lots"."remaining" <= "wallet_lots"."units")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wallet_lots_by_entry` ON `wallet_lots` (`entry_id`);--> statement-breakpoint
CREATE INDEX `wallet_lots_open_by_customer` ON `wallet_lots` (`user_id`,`id`) WHERE "wallet_lots"."remaining" > 0;--> statement-breakpoint
CREATE INDEX `wallet_lots_open_by_expiry` ON `wallet_lots` (`expires_at`,`id`) WHERE "wallet_lots"."remaining" > 0 and "wallet_lots"."expires_at" is not null;--> statement-breakpoint
CREATE TABLE `wallets` (
	`user_id` text PRIMARY KEY NOT NULL,
	`balance` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "wallets_balance_not_negative" CHECK("wallets"."balance" >= 0)
);
--> statement-breakpoint
ALTER TABLE `users` ADD `external_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `users_by_external_id` ON `users` (`external_id`);--> statement-breakpoint
CREATE TRIGGER `wallet_entries_no_update` BEFORE UPDATE ON `wallet_entries`
BEGIN SELECT RAISE(ABORT, 'wallet_entries is append-only'); END;--> statement-breakpoint
CREATE TRIGGER `wallet_entries_no_delete` BEFORE DELETE ON `wallet_entries`
BEGIN SELECT RAISE(ABORT, 'wallet_entries is append-only'); END;
