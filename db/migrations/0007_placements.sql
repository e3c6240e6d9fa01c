CREATE TABLE `placement_outcomes` (
	`placement_id` text NOT NULL,
	`year` integer NOT NULL,
	`grade` text NOT NULL,
	`notes` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`placement_id`, `year`),
	FOREIGN KEY (`placement_id`) REFERENCES `placements`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "placement_outcomes_grade_ck" CHECK(grade in ('excellent', 'competent', 'basically-competent', 'incompetent')),
	CONSTRAINT "placement_outcomes_year_ck" CHECK(year between 1950 and 2200)
);
--> statement-breakpoint
CREATE TABLE `placements` (
	`id` text PRIMARY KEY NOT NULL,
	`cadre_id` text NOT NULL,
	`team_id` text,
	`region_code` text NOT NULL,
	`post_code` text NOT NULL,
	`placed_on` text NOT NULL,
	`source` text NOT NULL,
	`source_id` text,
	`fit` real NOT NULL,
	`team_score` real NOT NULL,
	`components` text NOT NULL,
	`profile_version` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`region_code`) REFERENCES `regions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`post_code`) REFERENCES `post_types`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`profile_version`) REFERENCES `scoring_profiles`(`version`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "placements_source_ck" CHECK(source in ('suggestion', 'exchange-plan', 'manual')),
	CONSTRAINT "placements_fit_ck" CHECK(fit between 0 and 1),
	CONSTRAINT "placements_manual_ck" CHECK(source = 'manual' or source_id is not null)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `placements_source_cadre_uq` ON `placements` (`source`,`source_id`,`cadre_id`) WHERE source_id is not null;--> statement-breakpoint
CREATE INDEX `placements_cadre_idx` ON `placements` (`cadre_id`,`placed_on`);--> statement-breakpoint
CREATE INDEX `placements_team_idx` ON `placements` (`team_id`);--> statement-breakpoint
CREATE INDEX `placements_region_post_idx` ON `placements` (`region_code`,`post_code`);