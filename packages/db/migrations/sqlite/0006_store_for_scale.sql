CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rate_limit_hits` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_limit_hits_by_key` ON `rate_limit_hits` (`key`,`at`);--> statement-breakpoint
CREATE INDEX `rate_limit_hits_by_at` ON `rate_limit_hits` (`at`);--> statement-breakpoint
CREATE TABLE `audit_log_typed` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`target` text NOT NULL,
	`before` text,
	`after` text,
	`reason` text,
	`ip` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `audit_log_typed` (`id`, `actor_type`, `actor_id`, `action`, `target`, `after`, `at`)
SELECT `id`,
	CASE substr(`actor`, 1, instr(`actor`, ':') - 1) WHEN 'stripe' THEN 'sync' WHEN 'staff' THEN 'staff' WHEN 'user' THEN 'customer' ELSE 'job' END,
	substr(`actor`, instr(`actor`, ':') + 1), `action`, `subject`, `details`, `at`
FROM `audit_log`;
--> statement-breakpoint
DROP TABLE `audit_log`;--> statement-breakpoint
ALTER TABLE `audit_log_typed` RENAME TO `audit_log`;--> statement-breakpoint
CREATE INDEX `audit_log_by_target` ON `audit_log` (`target`,`at`);--> statement-breakpoint
CREATE INDEX `audit_log_by_actor` ON `audit_log` (`actor_type`,`actor_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_log_by_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `claimed_by` text;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `claim_expires_at` integer;