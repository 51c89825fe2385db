CREATE INDEX "users_by_role_created" ON "users" USING btree ("role","created_at","id");--> statement-breakpoint
CREATE INDEX "users_by_lower_name" ON "users" USING btree (lower("name"));