CREATE TABLE `suggestion_diffs` (
	`request_id` text NOT NULL,
	`version` integer NOT NULL,
	`from_version` integer NOT NULL,
	`diff` text NOT NULL,
	`job_id` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`request_id`, `version`),
	FOREIGN KEY (`request_id`) REFERENCES `suggestion_requests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `suggestion_diffs_job_idx` ON `suggestion_diffs` (`job_id`);--> statement-breakpoint
CREATE TABLE `team_scores` (
	`team_id` text NOT NULL,
	`version` integer NOT NULL,
	`profile_version` integer,
	`score` real NOT NULL,
	`feasible` integer NOT NULL,
	`summary` text NOT NULL,
	`diff` text,
	`job_id` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`team_id`, `version`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`profile_version`) REFERENCES `scoring_profiles`(`version`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `team_scores_job_idx` ON `team_scores` (`job_id`);--> statement-breakpoint
ALTER TABLE `jobs` ADD `runner` text;--> statement-breakpoint
ALTER TABLE `jobs` ADD `lease_until` text;