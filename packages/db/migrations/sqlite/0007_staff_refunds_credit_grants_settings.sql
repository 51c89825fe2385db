CREATE TABLE `credit_grants` (
	`id` text PRIMARY KEY NOT NULL,
	`idempotency_key` text NOT NULL,
	`stripe_customer_id` text NOT NULL,
	`user_id` text,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`failure_reason` text,
	`balance_transaction_id` text,
	`requested_by` text,
	`decided_by` text,
	`decided_at` integer,
	`decision_note` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_grants_by_idempotency_key` ON `credit_grants` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `credit_grants_by_customer_created` ON `credit_grants` (`stripe_customer_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `credit_grants_by_created` ON `credit_grants` (`created_at`);--> statement-breakpoint
CREATE INDEX `credit_grants_awaiting_approval` ON `credit_grants` (`created_at`) WHERE "credit_grants"."status" = 'awaiting_approval';--> statement-breakpoint
CREATE TABLE `refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`idempotency_key` text NOT NULL,
	`order_id` text,
	`invoice_id` text,
	`payment_intent_id` text,
	`charge_id` text,
	`stripe_customer_id` text,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`destination` text NOT NULL,
	`reason` text NOT NULL,
	`note` text,
	`goods_returned` integer,
	`status` text NOT NULL,
	`failure_reason` text,
	`stripe_refund_id` text,
	`balance_transaction_id` text,
	`requested_by` text,
	`decided_by` text,
	`decided_at` integer,
	`decision_note` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_by_idempotency_key` ON `refunds` (`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_by_stripe_refund` ON `refunds` (`stripe_refund_id`);--> statement-breakpoint
CREATE INDEX `refunds_by_order` ON `refunds` (`order_id`);--> statement-breakpoint
CREATE INDEX `refunds_by_invoice` ON `refunds` (`invoice_id`);--> statement-breakpoint
CREATE INDEX `refunds_by_payment_intent` ON `refunds` (`payment_intent_id`);--> statement-breakpoint
CREATE INDEX `refunds_by_customer_created` ON `refunds` (`stripe_customer_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `refunds_by_created` ON `refunds` (`created_at`);--> statement-breakpoint
CREATE INDEX `refunds_by_status_created` ON `refunds` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `refunds_awaiting_approval` ON `refunds` (`created_at`) WHERE "refunds"."status" = 'awaiting_approval';--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
