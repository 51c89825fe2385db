CREATE TABLE "mrr_daily" (
	"currency" text NOT NULL,
	"day" bigint NOT NULL,
	"kind" text NOT NULL,
	"amount" bigint NOT NULL,
	"movements" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "mrr_daily_by_currency_day_kind" ON "mrr_daily" USING btree ("currency","day","kind");--> statement-breakpoint
-- Days of movements stored before this table existed.
INSERT INTO "mrr_daily" ("currency", "day", "kind", "amount", "movements") SELECT "currency", ("at" / 86400000) * 86400000, "kind", sum("amount"), count(*) FROM "mrr_movements" GROUP BY "currency", ("at" / 86400000) * 86400000, "kind";
