CREATE TABLE "metric_rebuilds" (
	"name" text PRIMARY KEY NOT NULL,
	"generation" bigint NOT NULL,
	"cursor" text,
	"customers_done" bigint NOT NULL,
	"customers_total" bigint,
	"requested_at" bigint NOT NULL,
	"finished_at" bigint
);
--> statement-breakpoint
DROP INDEX "mrr_movements_by_currency_at";--> statement-breakpoint
ALTER TABLE "mrr_movements" ADD COLUMN "paying_since" bigint;--> statement-breakpoint
-- Movements stored before the column existed: the spell began at the customer's latest new or
-- reactivation movement in that currency up to this one (a customer's first movement is new).
UPDATE "mrr_movements" SET "paying_since" = coalesce((SELECT max(p."at") FROM "mrr_movements" p WHERE p."stripe_customer_id" = "mrr_movements"."stripe_customer_id" AND p."currency" = "mrr_movements"."currency" AND p."kind" IN ('new', 'reactivation') AND p."at" <= "mrr_movements"."at"), "mrr_movements"."at");--> statement-breakpoint
ALTER TABLE "mrr_movements" ALTER COLUMN "paying_since" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "mrr_movements_by_currency_at" ON "mrr_movements" USING btree ("currency","at","kind","amount","paying_since");