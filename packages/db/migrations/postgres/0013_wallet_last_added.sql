ALTER TABLE "wallets" ADD COLUMN "last_added" bigint;--> statement-breakpoint
-- Wallets that already exist: the units of their last top-up or grant.
UPDATE "wallets" SET "last_added" = (SELECT e."units" FROM "wallet_entries" e WHERE e."user_id" = "wallets"."user_id" AND e."type" IN ('top_up', 'grant') ORDER BY e."at" DESC, e."id" DESC LIMIT 1);
