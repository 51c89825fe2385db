CREATE TABLE `stripe_charges` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`customer_id` text,
	`payment_intent_id` text,
	`status` text NOT NULL,
	`amount` integer NOT NULL,
	`amount_captured` integer NOT NULL,
	`amount_refunded` integer NOT NULL,
	`currency` text NOT NULL,
	`paid` integer NOT NULL,
	`captured` integer NOT NULL,
	`refunded` integer NOT NULL,
	`disputed` integer NOT NULL,
	`failure_code` text,
	`failure_message` text,
	`receipt_url` text,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `stripe_charges_by_customer` ON `stripe_charges` (`customer_id`);--> statement-breakpoint
CREATE INDEX `stripe_charges_by_payment_intent` ON `stripe_charges` (`payment_intent_id`);--> statement-breakpoint
CREATE TABLE `stripe_checkout_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`customer_id` text,
	`mode` text NOT NULL,
	`status` text,
	`payment_status` text NOT NULL,
	`currency` text,
	`amount_subtotal` integer,
	`amount_total` integer,
	`subscription_id` text,
	`payment_intent_id` text,
	`invoice_id` text,
	`client_reference_id` text,
	`customer_email` text,
	`expires_at` integer,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `stripe_checkout_sessions_by_customer` ON `stripe_checkout_sessions` (`customer_id`);--> statement-breakpoint
CREATE INDEX `stripe_checkout_sessions_by_status` ON `stripe_checkout_sessions` (`status`);--> statement-breakpoint
CREATE TABLE `stripe_customer_balance_transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`customer_id` text NOT NULL,
	`type` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`ending_balance` integer NOT NULL,
	`description` text,
	`invoice_id` text,
	`checkout_session_id` text,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `stripe_customer_balance_transactions_by_customer` ON `stripe_customer_balance_transactions` (`customer_id`);--> statement-breakpoint
CREATE TABLE `stripe_customers` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`email` text,
	`name` text,
	`phone` text,
	`balance` integer DEFAULT 0 NOT NULL,
	`currency` text,
	`delinquent` integer,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `stripe_customers_by_email` ON `stripe_customers` (`email`);--> statement-breakpoint
CREATE TABLE `stripe_disputes` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`charge_id` text NOT NULL,
	`payment_intent_id` text,
	`status` text NOT NULL,
	`reason` text,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`is_charge_refundable` integer,
	`evidence_due_by` integer
);
--> statement-breakpoint
CREATE INDEX `stripe_disputes_by_charge` ON `stripe_disputes` (`charge_id`);--> statement-breakpoint
CREATE INDEX `stripe_disputes_by_status` ON `stripe_disputes` (`status`);--> statement-breakpoint
CREATE TABLE `stripe_invoice_line_items` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`invoice_id` text NOT NULL,
	`subscription_id` text,
	`subscription_item_id` text,
	`price_id` text,
	`product_id` text,
	`description` text,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`quantity` integer,
	`proration` integer,
	`period_start` integer,
	`period_end` integer
);
--> statement-breakpoint
CREATE INDEX `stripe_invoice_line_items_by_invoice` ON `stripe_invoice_line_items` (`invoice_id`);--> statement-breakpoint
CREATE TABLE `stripe_invoice_payments` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`invoice_id` text NOT NULL,
	`payment_intent_id` text,
	`charge_id` text,
	`status` text NOT NULL,
	`is_default` integer NOT NULL,
	`amount_paid` integer,
	`amount_requested` integer NOT NULL,
	`currency` text NOT NULL,
	`paid_at` integer,
	`canceled_at` integer
);
--> statement-breakpoint
CREATE INDEX `stripe_invoice_payments_by_invoice` ON `stripe_invoice_payments` (`invoice_id`);--> statement-breakpoint
CREATE INDEX `stripe_invoice_payments_by_payment_intent` ON `stripe_invoice_payments` (`payment_intent_id`);--> statement-breakpoint
CREATE TABLE `stripe_invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`customer_id` text,
	`subscription_id` text,
	`status` text,
	`billing_reason` text,
	`collection_method` text,
	`number` text,
	`currency` text NOT NULL,
	`amount_due` integer NOT NULL,
	`amount_paid` integer NOT NULL,
	`amount_remaining` integer NOT NULL,
	`subtotal` integer NOT NULL,
	`total` integer NOT NULL,
	`starting_balance` integer NOT NULL,
	`ending_balance` integer,
	`period_start` integer,
	`period_end` integer,
	`due_date` integer,
	`finalized_at` integer,
	`paid_at` integer,
	`voided_at` integer,
	`attempt_count` integer DEFAULT 0 NOT NULL,
	`hosted_invoice_url` text,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `stripe_invoices_by_customer` ON `stripe_invoices` (`customer_id`);--> statement-breakpoint
CREATE INDEX `stripe_invoices_by_subscription` ON `stripe_invoices` (`subscription_id`);--> statement-breakpoint
CREATE INDEX `stripe_invoices_by_status` ON `stripe_invoices` (`status`);--> statement-breakpoint
CREATE TABLE `stripe_payment_intents` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`customer_id` text,
	`status` text NOT NULL,
	`amount` integer NOT NULL,
	`amount_received` integer NOT NULL,
	`currency` text NOT NULL,
	`latest_charge_id` text,
	`description` text,
	`canceled_at` integer,
	`cancellation_reason` text,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `stripe_payment_intents_by_customer` ON `stripe_payment_intents` (`customer_id`);--> statement-breakpoint
CREATE INDEX `stripe_payment_intents_by_status` ON `stripe_payment_intents` (`status`);--> statement-breakpoint
CREATE TABLE `stripe_prices` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`product_id` text NOT NULL,
	`active` integer NOT NULL,
	`currency` text NOT NULL,
	`unit_amount` integer,
	`type` text NOT NULL,
	`billing_scheme` text,
	`recurring_interval` text,
	`recurring_interval_count` integer,
	`recurring_usage_type` text,
	`lookup_key` text,
	`nickname` text,
	`tax_behavior` text,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `stripe_prices_by_product` ON `stripe_prices` (`product_id`);--> statement-breakpoint
CREATE INDEX `stripe_prices_by_lookup_key` ON `stripe_prices` (`lookup_key`);--> statement-breakpoint
CREATE TABLE `stripe_products` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`name` text NOT NULL,
	`description` text,
	`active` integer NOT NULL,
	`default_price_id` text,
	`shippable` integer,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `stripe_products_by_active` ON `stripe_products` (`active`);--> statement-breakpoint
CREATE TABLE `stripe_refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`charge_id` text,
	`payment_intent_id` text,
	`status` text,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`reason` text,
	`failure_reason` text,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `stripe_refunds_by_charge` ON `stripe_refunds` (`charge_id`);--> statement-breakpoint
CREATE INDEX `stripe_refunds_by_payment_intent` ON `stripe_refunds` (`payment_intent_id`);--> statement-breakpoint
CREATE TABLE `stripe_subscription_items` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`subscription_id` text NOT NULL,
	`price_id` text NOT NULL,
	`product_id` text NOT NULL,
	`quantity` integer,
	`unit_amount` integer,
	`currency` text NOT NULL,
	`interval` text,
	`interval_count` integer,
	`current_period_start` integer NOT NULL,
	`current_period_end` integer NOT NULL,
	`discount_ids` text,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `stripe_subscription_items_by_subscription` ON `stripe_subscription_items` (`subscription_id`);--> statement-breakpoint
CREATE INDEX `stripe_subscription_items_by_price` ON `stripe_subscription_items` (`price_id`);--> statement-breakpoint
CREATE TABLE `stripe_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`stripe_created` integer,
	`raw` text NOT NULL,
	`version_ts` integer NOT NULL,
	`version_event_id` text,
	`synced_at` integer NOT NULL,
	`deleted_at` integer,
	`customer_id` text NOT NULL,
	`status` text NOT NULL,
	`currency` text NOT NULL,
	`collection_method` text,
	`start_date` integer,
	`billing_cycle_anchor` integer,
	`cancel_at_period_end` integer NOT NULL,
	`cancel_at` integer,
	`canceled_at` integer,
	`ended_at` integer,
	`cancellation_reason` text,
	`cancellation_feedback` text,
	`cancellation_comment` text,
	`trial_start` integer,
	`trial_end` integer,
	`pause_behavior` text,
	`pause_resumes_at` integer,
	`discount_ids` text,
	`latest_invoice_id` text,
	`default_payment_method_id` text,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `stripe_subscriptions_by_customer` ON `stripe_subscriptions` (`customer_id`);--> statement-breakpoint
CREATE INDEX `stripe_subscriptions_by_status` ON `stripe_subscriptions` (`status`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`api_version` text,
	`created` integer NOT NULL,
	`livemode` integer NOT NULL,
	`object_id` text,
	`object_type` text,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_error` text,
	`received_at` integer NOT NULL,
	`applied_at` integer
);
--> statement-breakpoint
CREATE INDEX `webhook_events_queue` ON `webhook_events` (`created`,`id`) WHERE "webhook_events"."status" in ('pending', 'failed');--> statement-breakpoint
CREATE INDEX `webhook_events_by_status_received` ON `webhook_events` (`status`,`received_at`);--> statement-breakpoint
CREATE INDEX `webhook_events_by_type_received` ON `webhook_events` (`type`,`received_at`);--> statement-breakpoint
CREATE INDEX `webhook_events_by_received` ON `webhook_events` (`received_at`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_events_by_object` ON `webhook_events` (`object_id`);