CREATE INDEX `users_by_role_created` ON `users` (`role`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_by_lower_name` ON `users` (lower("name"));