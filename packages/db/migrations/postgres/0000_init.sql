CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"secret_hash" text NOT NULL,
	"user_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text DEFAULT 'customer' NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_charges" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"customer_id" text,
	"payment_intent_id" text,
	"status" text NOT NULL,
	"amount" bigint NOT NULL,
	"amount_captured" bigint NOT NULL,
	"amount_refunded" bigint NOT NULL,
	"currency" text NOT NULL,
	"paid" boolean NOT NULL,
	"captured" boolean NOT NULL,
	"refunded" boolean NOT NULL,
	"disputed" boolean NOT NULL,
	"failure_code" text,
	"failure_message" text,
	"receipt_url" text,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "stripe_checkout_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"customer_id" text,
	"mode" text NOT NULL,
	"status" text,
	"payment_status" text NOT NULL,
	"currency" text,
	"amount_subtotal" bigint,
	"amount_total" bigint,
	"subscription_id" text,
	"payment_intent_id" text,
	"invoice_id" text,
	"client_reference_id" text,
	"customer_email" text,
	"expires_at" bigint,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "stripe_customer_balance_transactions" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"customer_id" text NOT NULL,
	"type" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"ending_balance" bigint NOT NULL,
	"description" text,
	"invoice_id" text,
	"checkout_session_id" text,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "stripe_customers" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"email" text,
	"name" text,
	"phone" text,
	"balance" bigint DEFAULT 0 NOT NULL,
	"currency" text,
	"delinquent" boolean,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "stripe_disputes" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"charge_id" text NOT NULL,
	"payment_intent_id" text,
	"status" text NOT NULL,
	"reason" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"is_charge_refundable" boolean,
	"evidence_due_by" bigint
);
--> statement-breakpoint
CREATE TABLE "stripe_invoice_line_items" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"invoice_id" text NOT NULL,
	"subscription_id" text,
	"subscription_item_id" text,
	"price_id" text,
	"product_id" text,
	"description" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"quantity" bigint,
	"proration" boolean,
	"period_start" bigint,
	"period_end" bigint
);
--> statement-breakpoint
CREATE TABLE "stripe_invoice_payments" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"invoice_id" text NOT NULL,
	"payment_intent_id" text,
	"charge_id" text,
	"status" text NOT NULL,
	"is_default" boolean NOT NULL,
	"amount_paid" bigint,
	"amount_requested" bigint NOT NULL,
	"currency" text NOT NULL,
	"paid_at" bigint,
	"canceled_at" bigint
);
--> statement-breakpoint
CREATE TABLE "stripe_invoices" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"customer_id" text,
	"subscription_id" text,
	"status" text,
	"billing_reason" text,
	"collection_method" text,
	"number" text,
	"currency" text NOT NULL,
	"amount_due" bigint NOT NULL,
	"amount_paid" bigint NOT NULL,
	"amount_remaining" bigint NOT NULL,
	"subtotal" bigint NOT NULL,
	"total" bigint NOT NULL,
	"starting_balance" bigint NOT NULL,
	"ending_balance" bigint,
	"period_start" bigint,
	"period_end" bigint,
	"due_date" bigint,
	"finalized_at" bigint,
	"paid_at" bigint,
	"voided_at" bigint,
	"attempt_count" bigint DEFAULT 0 NOT NULL,
	"hosted_invoice_url" text,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "stripe_payment_intents" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"customer_id" text,
	"status" text NOT NULL,
	"amount" bigint NOT NULL,
	"amount_received" bigint NOT NULL,
	"currency" text NOT NULL,
	"latest_charge_id" text,
	"description" text,
	"canceled_at" bigint,
	"cancellation_reason" text,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "stripe_prices" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"product_id" text NOT NULL,
	"active" boolean NOT NULL,
	"currency" text NOT NULL,
	"unit_amount" bigint,
	"type" text NOT NULL,
	"billing_scheme" text,
	"recurring_interval" text,
	"recurring_interval_count" bigint,
	"recurring_usage_type" text,
	"lookup_key" text,
	"nickname" text,
	"tax_behavior" text,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "stripe_products" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"name" text NOT NULL,
	"description" text,
	"active" boolean NOT NULL,
	"default_price_id" text,
	"shippable" boolean,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "stripe_refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"charge_id" text,
	"payment_intent_id" text,
	"status" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"reason" text,
	"failure_reason" text,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "stripe_subscription_items" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"subscription_id" text NOT NULL,
	"price_id" text NOT NULL,
	"product_id" text NOT NULL,
	"quantity" bigint,
	"unit_amount" bigint,
	"currency" text NOT NULL,
	"interval" text,
	"interval_count" bigint,
	"current_period_start" bigint NOT NULL,
	"current_period_end" bigint NOT NULL,
	"discount_ids" jsonb,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "stripe_subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"stripe_created" bigint,
	"raw" jsonb NOT NULL,
	"version_ts" bigint NOT NULL,
	"version_event_id" text,
	"synced_at" bigint NOT NULL,
	"deleted_at" bigint,
	"customer_id" text NOT NULL,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"collection_method" text,
	"start_date" bigint,
	"billing_cycle_anchor" bigint,
	"cancel_at_period_end" boolean NOT NULL,
	"cancel_at" bigint,
	"canceled_at" bigint,
	"ended_at" bigint,
	"cancellation_reason" text,
	"cancellation_feedback" text,
	"cancellation_comment" text,
	"trial_start" bigint,
	"trial_end" bigint,
	"pause_behavior" text,
	"pause_resumes_at" bigint,
	"discount_ids" jsonb,
	"latest_invoice_id" text,
	"default_payment_method_id" text,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limit_hits" (
	"id" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"api_version" text,
	"created" bigint NOT NULL,
	"livemode" boolean NOT NULL,
	"object_id" text,
	"object_type" text,
	"payload" text NOT NULL,
	"status" text NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint,
	"last_error" text,
	"last_failed_at" bigint,
	"received_at" bigint NOT NULL,
	"applied_at" bigint,
	"claimed_by" text,
	"claim_expires_at" bigint
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"actor_type" text NOT NULL,
	"actor_id" text,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"reason" text,
	"ip" text,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing_customers" (
	"user_id" text PRIMARY KEY NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_ledger" (
	"id" bigint PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY (sequence name "credit_ledger_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"balance_transaction_id" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"user_id" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"ending_balance" bigint NOT NULL,
	"reason" text NOT NULL,
	"description" text,
	"invoice_id" text,
	"credit_note_id" text,
	"occurred_at" bigint NOT NULL,
	"event_id" text,
	"recorded_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_items" (
	"id" bigint PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY (sequence name "order_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" text NOT NULL,
	"line_item_id" text NOT NULL,
	"price_id" text,
	"product_id" text,
	"lookup_key" text,
	"description" text NOT NULL,
	"quantity" bigint NOT NULL,
	"currency" text NOT NULL,
	"unit_amount" bigint,
	"amount_subtotal" bigint NOT NULL,
	"amount_discount" bigint NOT NULL,
	"amount_tax" bigint NOT NULL,
	"amount_total" bigint NOT NULL,
	"requires_shipping" boolean NOT NULL,
	"credits_granted" bigint DEFAULT 0 NOT NULL,
	"product_kind" text,
	"deliverable" text
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" text PRIMARY KEY NOT NULL,
	"checkout_session_id" text NOT NULL,
	"payment_intent_id" text,
	"stripe_customer_id" text,
	"user_id" text,
	"email" text,
	"currency" text NOT NULL,
	"amount_subtotal" bigint NOT NULL,
	"amount_discount" bigint NOT NULL,
	"amount_shipping" bigint NOT NULL,
	"amount_tax" bigint NOT NULL,
	"amount_total" bigint NOT NULL,
	"amount_refunded" bigint DEFAULT 0 NOT NULL,
	"payment_state" text NOT NULL,
	"dispute_status" text,
	"requires_shipping" boolean NOT NULL,
	"shipping_name" text,
	"shipping_phone" text,
	"shipping_line1" text,
	"shipping_line2" text,
	"shipping_city" text,
	"shipping_state" text,
	"shipping_postal_code" text,
	"shipping_country" text,
	"livemode" boolean NOT NULL,
	"placed_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shipping_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"carrier" text,
	"tracking_number" text,
	"tracking_url" text,
	"assigned_to" text,
	"packed_at" bigint,
	"shipped_at" bigint,
	"delivered_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscription_history" (
	"id" bigint PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY (sequence name "subscription_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"subscription_id" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"event_id" text,
	"event_type" text NOT NULL,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"items" jsonb NOT NULL,
	"interval" text,
	"interval_count" bigint,
	"discounts" jsonb NOT NULL,
	"cancel_at_period_end" boolean NOT NULL,
	"cancel_at" bigint,
	"canceled_at" bigint,
	"ended_at" bigint,
	"trial_end" bigint,
	"paused" boolean NOT NULL,
	"fingerprint" text NOT NULL,
	"effective_at" bigint NOT NULL,
	"recorded_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_customers" ADD CONSTRAINT "billing_customers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_ledger" ADD CONSTRAINT "credit_ledger_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipping_tasks" ADD CONSTRAINT "shipping_tasks_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipping_tasks" ADD CONSTRAINT "shipping_tasks_assigned_to_users_id_fk" FOREIGN KEY ("assigned_to") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_by_user" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_unique" ON "users" USING btree ("email");--> statement-breakpoint
CREATE INDEX "stripe_charges_by_customer" ON "stripe_charges" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "stripe_charges_by_payment_intent" ON "stripe_charges" USING btree ("payment_intent_id");--> statement-breakpoint
CREATE INDEX "stripe_checkout_sessions_by_customer" ON "stripe_checkout_sessions" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "stripe_checkout_sessions_by_status" ON "stripe_checkout_sessions" USING btree ("status");--> statement-breakpoint
CREATE INDEX "stripe_customer_balance_transactions_by_customer" ON "stripe_customer_balance_transactions" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "stripe_customers_by_email" ON "stripe_customers" USING btree ("email");--> statement-breakpoint
CREATE INDEX "stripe_disputes_by_charge" ON "stripe_disputes" USING btree ("charge_id");--> statement-breakpoint
CREATE INDEX "stripe_disputes_by_payment_intent" ON "stripe_disputes" USING btree ("payment_intent_id");--> statement-breakpoint
CREATE INDEX "stripe_disputes_by_status" ON "stripe_disputes" USING btree ("status");--> statement-breakpoint
CREATE INDEX "stripe_invoice_line_items_by_invoice" ON "stripe_invoice_line_items" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "stripe_invoice_payments_by_invoice" ON "stripe_invoice_payments" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "stripe_invoice_payments_by_payment_intent" ON "stripe_invoice_payments" USING btree ("payment_intent_id");--> statement-breakpoint
CREATE INDEX "stripe_invoices_by_customer" ON "stripe_invoices" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "stripe_invoices_by_subscription" ON "stripe_invoices" USING btree ("subscription_id");--> statement-breakpoint
CREATE INDEX "stripe_invoices_by_status" ON "stripe_invoices" USING btree ("status");--> statement-breakpoint
CREATE INDEX "stripe_payment_intents_by_customer" ON "stripe_payment_intents" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "stripe_payment_intents_by_status" ON "stripe_payment_intents" USING btree ("status");--> statement-breakpoint
CREATE INDEX "stripe_prices_by_product" ON "stripe_prices" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "stripe_prices_by_lookup_key" ON "stripe_prices" USING btree ("lookup_key");--> statement-breakpoint
CREATE INDEX "stripe_products_by_active" ON "stripe_products" USING btree ("active");--> statement-breakpoint
CREATE INDEX "stripe_refunds_by_charge" ON "stripe_refunds" USING btree ("charge_id");--> statement-breakpoint
CREATE INDEX "stripe_refunds_by_payment_intent" ON "stripe_refunds" USING btree ("payment_intent_id");--> statement-breakpoint
CREATE INDEX "stripe_subscription_items_by_subscription" ON "stripe_subscription_items" USING btree ("subscription_id");--> statement-breakpoint
CREATE INDEX "stripe_subscription_items_by_price" ON "stripe_subscription_items" USING btree ("price_id");--> statement-breakpoint
CREATE INDEX "stripe_subscriptions_by_customer" ON "stripe_subscriptions" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "stripe_subscriptions_by_status" ON "stripe_subscriptions" USING btree ("status");--> statement-breakpoint
CREATE INDEX "rate_limit_hits_by_key" ON "rate_limit_hits" USING btree ("key","at");--> statement-breakpoint
CREATE INDEX "rate_limit_hits_by_at" ON "rate_limit_hits" USING btree ("at");--> statement-breakpoint
CREATE INDEX "webhook_events_queue" ON "webhook_events" USING btree ("created","id") WHERE "webhook_events"."status" in ('pending', 'failed');--> statement-breakpoint
CREATE INDEX "webhook_events_by_status_received" ON "webhook_events" USING btree ("status","received_at");--> statement-breakpoint
CREATE INDEX "webhook_events_by_type_received" ON "webhook_events" USING btree ("type","received_at");--> statement-breakpoint
CREATE INDEX "webhook_events_by_received" ON "webhook_events" USING btree ("received_at","id");--> statement-breakpoint
CREATE INDEX "webhook_events_by_object" ON "webhook_events" USING btree ("object_id");--> statement-breakpoint
CREATE INDEX "webhook_events_by_created" ON "webhook_events" USING btree ("created");--> statement-breakpoint
CREATE INDEX "webhook_events_recent_failures" ON "webhook_events" USING btree ("last_failed_at") WHERE "webhook_events"."last_failed_at" is not null;--> statement-breakpoint
CREATE INDEX "audit_log_by_target" ON "audit_log" USING btree ("target","at");--> statement-breakpoint
CREATE INDEX "audit_log_by_actor" ON "audit_log" USING btree ("actor_type","actor_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_by_at" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_customers_by_stripe_customer" ON "billing_customers" USING btree ("stripe_customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_ledger_by_balance_transaction" ON "credit_ledger" USING btree ("balance_transaction_id");--> statement-breakpoint
CREATE INDEX "credit_ledger_by_customer_occurred" ON "credit_ledger" USING btree ("stripe_customer_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "order_items_by_order_line" ON "order_items" USING btree ("order_id","line_item_id");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_by_checkout_session" ON "orders" USING btree ("checkout_session_id");--> statement-breakpoint
CREATE INDEX "orders_by_payment_intent" ON "orders" USING btree ("payment_intent_id");--> statement-breakpoint
CREATE INDEX "orders_by_user_placed" ON "orders" USING btree ("user_id","placed_at");--> statement-breakpoint
CREATE INDEX "orders_by_placed" ON "orders" USING btree ("placed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "shipping_tasks_by_order" ON "shipping_tasks" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "shipping_tasks_open_queue" ON "shipping_tasks" USING btree ("status","created_at") WHERE "shipping_tasks"."status" in ('pending', 'packed');--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_history_by_subscription_event" ON "subscription_history" USING btree ("subscription_id","event_id");--> statement-breakpoint
CREATE INDEX "subscription_history_by_subscription" ON "subscription_history" USING btree ("subscription_id","id");--> statement-breakpoint
CREATE INDEX "subscription_history_by_effective" ON "subscription_history" USING btree ("effective_at");