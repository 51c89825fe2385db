CREATE TABLE "credit_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"user_id" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"failure_reason" text,
	"balance_transaction_id" text,
	"requested_by" text,
	"decided_by" text,
	"decided_at" bigint,
	"decision_note" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"order_id" text,
	"invoice_id" text,
	"payment_intent_id" text,
	"charge_id" text,
	"stripe_customer_id" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"destination" text NOT NULL,
	"reason" text NOT NULL,
	"note" text,
	"goods_returned" boolean,
	"status" text NOT NULL,
	"failure_reason" text,
	"stripe_refund_id" text,
	"balance_transaction_id" text,
	"requested_by" text,
	"decided_by" text,
	"decided_at" bigint,
	"decision_note" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by" text,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credit_grants" ADD CONSTRAINT "credit_grants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_grants" ADD CONSTRAINT "credit_grants_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_grants" ADD CONSTRAINT "credit_grants_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settings" ADD CONSTRAINT "settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credit_grants_by_idempotency_key" ON "credit_grants" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "credit_grants_by_customer_created" ON "credit_grants" USING btree ("stripe_customer_id","created_at");--> statement-breakpoint
CREATE INDEX "credit_grants_by_created" ON "credit_grants" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "credit_grants_awaiting_approval" ON "credit_grants" USING btree ("created_at") WHERE "credit_grants"."status" = 'awaiting_approval';--> statement-breakpoint
CREATE UNIQUE INDEX "refunds_by_idempotency_key" ON "refunds" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "refunds_by_stripe_refund" ON "refunds" USING btree ("stripe_refund_id");--> statement-breakpoint
CREATE INDEX "refunds_by_order" ON "refunds" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "refunds_by_invoice" ON "refunds" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "refunds_by_payment_intent" ON "refunds" USING btree ("payment_intent_id");--> statement-breakpoint
CREATE INDEX "refunds_by_customer_created" ON "refunds" USING btree ("stripe_customer_id","created_at");--> statement-breakpoint
CREATE INDEX "refunds_by_created" ON "refunds" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "refunds_by_status_created" ON "refunds" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "refunds_awaiting_approval" ON "refunds" USING btree ("created_at") WHERE "refunds"."status" = 'awaiting_approval';