CREATE TABLE `assessments` (
	`id` text PRIMARY KEY NOT NULL,
	`cadre_id` text NOT NULL,
	`instrument` text NOT NULL,
	`taken_on` text NOT NULL,
	`norm` text,
	`import_batch_id` text,
	`sten_a` integer NOT NULL,
	`sten_b` integer NOT NULL,
	`sten_c` integer NOT NULL,
	`sten_e` integer NOT NULL,
	`sten_f` integer NOT NULL,
	`sten_g` integer NOT NULL,
	`sten_h` integer NOT NULL,
	`sten_i` integer NOT NULL,
	`sten_l` integer NOT NULL,
	`sten_m` integer NOT NULL,
	`sten_n` integer NOT NULL,
	`sten_o` integer NOT NULL,
	`sten_q1` integer NOT NULL,
	`sten_q2` integer NOT NULL,
	`sten_q3` integer NOT NULL,
	`sten_q4` integer NOT NULL,
	`raw_a` integer,
	`raw_b` integer,
	`raw_c` integer,
	`raw_e` integer,
	`raw_f` integer,
	`raw_g` integer,
	`raw_h` integer,
	`raw_i` integer,
	`raw_l` integer,
	`raw_m` integer,
	`raw_n` integer,
	`raw_o` integer,
	`raw_q1` integer,
	`raw_q2` integer,
	`raw_q3` integer,
	`raw_q4` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`import_batch_id`) REFERENCES `import_batches`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "assessments_sten_a_ck" CHECK(sten_a between 1 and 10),
	CONSTRAINT "assessments_raw_a_ck" CHECK(raw_a is null or raw_a >= 0),
	CONSTRAINT "assessments_sten_b_ck" CHECK(sten_b between 1 and 10),
	CONSTRAINT "assessments_raw_b_ck" CHECK(raw_b is null or raw_b >= 0),
	CONSTRAINT "assessments_sten_c_ck" CHECK(sten_c between 1 and 10),
	CONSTRAINT "assessments_raw_c_ck" CHECK(raw_c is null or raw_c >= 0),
	CONSTRAINT "assessments_sten_e_ck" CHECK(sten_e between 1 and 10),
	CONSTRAINT "assessments_raw_e_ck" CHECK(raw_e is null or raw_e >= 0),
	CONSTRAINT "assessments_sten_f_ck" CHECK(sten_f between 1 and 10),
	CONSTRAINT "assessments_raw_f_ck" CHECK(raw_f is null or raw_f >= 0),
	CONSTRAINT "assessments_sten_g_ck" CHECK(sten_g between 1 and 10),
	CONSTRAINT "assessments_raw_g_ck" CHECK(raw_g is null or raw_g >= 0),
	CONSTRAINT "assessments_sten_h_ck" CHECK(sten_h between 1 and 10),
	CONSTRAINT "assessments_raw_h_ck" CHECK(raw_h is null or raw_h >= 0),
	CONSTRAINT "assessments_sten_i_ck" CHECK(sten_i between 1 and 10),
	CONSTRAINT "assessments_raw_i_ck" CHECK(raw_i is null or raw_i >= 0),
	CONSTRAINT "assessments_sten_l_ck" CHECK(sten_l between 1 and 10),
	CONSTRAINT "assessments_raw_l_ck" CHECK(raw_l is null or raw_l >= 0),
	CONSTRAINT "assessments_sten_m_ck" CHECK(sten_m between 1 and 10),
	CONSTRAINT "assessments_raw_m_ck" CHECK(raw_m is null or raw_m >= 0),
	CONSTRAINT "assessments_sten_n_ck" CHECK(sten_n between 1 and 10),
	CONSTRAINT "assessments_raw_n_ck" CHECK(raw_n is null or raw_n >= 0),
	CONSTRAINT "assessments_sten_o_ck" CHECK(sten_o between 1 and 10),
	CONSTRAINT "assessments_raw_o_ck" CHECK(raw_o is null or raw_o >= 0),
	CONSTRAINT "assessments_sten_q1_ck" CHECK(sten_q1 between 1 and 10),
	CONSTRAINT "assessments_raw_q1_ck" CHECK(raw_q1 is null or raw_q1 >= 0),
	CONSTRAINT "assessments_sten_q2_ck" CHECK(sten_q2 between 1 and 10),
	CONSTRAINT "assessments_raw_q2_ck" CHECK(raw_q2 is null or raw_q2 >= 0),
	CONSTRAINT "assessments_sten_q3_ck" CHECK(sten_q3 between 1 and 10),
	CONSTRAINT "assessments_raw_q3_ck" CHECK(raw_q3 is null or raw_q3 >= 0),
	CONSTRAINT "assessments_sten_q4_ck" CHECK(sten_q4 between 1 and 10),
	CONSTRAINT "assessments_raw_q4_ck" CHECK(raw_q4 is null or raw_q4 >= 0)
);
--> statement-breakpoint
CREATE INDEX `assessments_cadre_taken_idx` ON `assessments` (`cadre_id`,`taken_on`,`created_at`);--> statement-breakpoint
CREATE INDEX `assessments_batch_idx` ON `assessments` (`import_batch_id`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor_id` text,
	`actor_role` text,
	`action` text NOT NULL,
	`object_type` text NOT NULL,
	`object_ids` text NOT NULL,
	`fields` text,
	`request_id` text,
	`outcome` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_events_at_idx` ON `audit_events` (`at`);--> statement-breakpoint
CREATE INDEX `audit_events_actor_idx` ON `audit_events` (`actor_id`);--> statement-breakpoint
CREATE TABLE `cadre_preferences` (
	`cadre_id` text NOT NULL,
	`rank` integer NOT NULL,
	`region_code` text NOT NULL,
	`post_code` text NOT NULL,
	PRIMARY KEY(`cadre_id`, `rank`),
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`region_code`) REFERENCES `regions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`post_code`) REFERENCES `post_types`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "cadre_preferences_rank_ck" CHECK(rank >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cadre_preferences_choice_uq` ON `cadre_preferences` (`cadre_id`,`region_code`,`post_code`);--> statement-breakpoint
CREATE TABLE `cadre_skills` (
	`cadre_id` text NOT NULL,
	`skill` text NOT NULL,
	`level` integer NOT NULL,
	PRIMARY KEY(`cadre_id`, `skill`),
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "cadre_skills_level_ck" CHECK(level between 1 and 5)
);
--> statement-breakpoint
CREATE INDEX `cadre_skills_skill_idx` ON `cadre_skills` (`skill`);--> statement-breakpoint
CREATE TABLE `cadres` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`gender` text NOT NULL,
	`birth_year` integer NOT NULL,
	`education` text NOT NULL,
	`birth_region` text NOT NULL,
	`growth_region` text NOT NULL,
	`current_region` text,
	`current_post` text,
	`rank` text NOT NULL,
	`reserve` integer DEFAULT false NOT NULL,
	`years_in_post` real DEFAULT 0 NOT NULL,
	`years_in_locality` real DEFAULT 0 NOT NULL,
	`last_promotion` text,
	`service_years` real,
	`grassroots_years` real,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`birth_region`) REFERENCES `regions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`growth_region`) REFERENCES `regions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`current_region`) REFERENCES `regions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`current_post`) REFERENCES `post_types`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "cadres_gender_ck" CHECK(gender in ('male', 'female')),
	CONSTRAINT "cadres_education_ck" CHECK(education in ('high-school', 'associate', 'bachelor', 'master', 'doctorate')),
	CONSTRAINT "cadres_rank_ck" CHECK(rank in ('deputy-section', 'section', 'deputy-division', 'division', 'deputy-bureau')),
	CONSTRAINT "cadres_birth_year_ck" CHECK(birth_year between 1940 and 2010),
	CONSTRAINT "cadres_years_ck" CHECK(years_in_post >= 0 and years_in_locality >= 0)
);
--> statement-breakpoint
CREATE INDEX `cadres_current_region_idx` ON `cadres` (`current_region`);--> statement-breakpoint
CREATE INDEX `cadres_rank_idx` ON `cadres` (`rank`);--> statement-breakpoint
CREATE INDEX `cadres_reserve_idx` ON `cadres` (`reserve`);--> statement-breakpoint
CREATE TABLE `import_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`idempotency_key` text,
	`content_sha256` text NOT NULL,
	`format` text NOT NULL,
	`row_count` integer NOT NULL,
	`job_id` text,
	`summary` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `import_batches_idempotency_key_unique` ON `import_batches` (`idempotency_key`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`payload` text,
	`result` text,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "jobs_kind_ck" CHECK(kind in ('import', 'rerank', 'suggestion', 'exchange-plan')),
	CONSTRAINT "jobs_status_ck" CHECK(status in ('queued', 'running', 'succeeded', 'failed')),
	CONSTRAINT "jobs_progress_ck" CHECK(done >= 0 and total >= 0)
);
--> statement-breakpoint
CREATE INDEX `jobs_status_idx` ON `jobs` (`status`);--> statement-breakpoint
CREATE TABLE `kin_links` (
	`cadre_id` text NOT NULL,
	`kin_id` text NOT NULL,
	`relation` text NOT NULL,
	PRIMARY KEY(`cadre_id`, `kin_id`),
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`kin_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "kin_links_order_ck" CHECK(cadre_id < kin_id),
	CONSTRAINT "kin_links_relation_ck" CHECK(relation in ('spouse', 'lineal', 'collateral', 'in-law'))
);
--> statement-breakpoint
CREATE INDEX `kin_links_kin_idx` ON `kin_links` (`kin_id`);--> statement-breakpoint
CREATE TABLE `norms` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` text NOT NULL,
	CONSTRAINT "norms_kind_ck" CHECK(kind in ('cutoffs', 'z'))
);
--> statement-breakpoint
CREATE TABLE `post_types` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_en` text NOT NULL,
	`leading` integer DEFAULT false NOT NULL,
	`principal` integer DEFAULT false NOT NULL,
	`avoidance` integer DEFAULT false NOT NULL,
	`min_rank` text,
	`sort_order` integer DEFAULT 100 NOT NULL,
	`ideal_profile` text,
	`knockouts` text DEFAULT '[]' NOT NULL,
	`required_skills` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "post_types_min_rank_ck" CHECK(min_rank is null or min_rank in ('deputy-section', 'section', 'deputy-division', 'division', 'deputy-bureau'))
);
--> statement-breakpoint
CREATE TABLE `regions` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_en` text,
	`level` text NOT NULL,
	`parent_code` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`parent_code`) REFERENCES `regions`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "regions_level_ck" CHECK(level in ('city', 'county')),
	CONSTRAINT "regions_county_parent_ck" CHECK(level <> 'county' or parent_code is not null)
);
--> statement-breakpoint
CREATE INDEX `regions_parent_idx` ON `regions` (`parent_code`);--> statement-breakpoint
CREATE TABLE `scoring_profiles` (
	`version` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `seats` (
	`team_id` text NOT NULL,
	`position` integer NOT NULL,
	`post_code` text NOT NULL,
	`cadre_id` text,
	`locked` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`team_id`, `position`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`post_code`) REFERENCES `post_types`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `seats_team_cadre_uq` ON `seats` (`team_id`,`cadre_id`);--> statement-breakpoint
CREATE INDEX `seats_cadre_idx` ON `seats` (`cadre_id`);--> statement-breakpoint
CREATE TABLE `suggestion_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text,
	`request` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `suggestion_requests_team_idx` ON `suggestion_requests` (`team_id`);--> statement-breakpoint
CREATE TABLE `suggestion_results` (
	`request_id` text NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`profile_version` integer,
	`results` text NOT NULL,
	`job_id` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`request_id`, `version`),
	FOREIGN KEY (`request_id`) REFERENCES `suggestion_requests`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`profile_version`) REFERENCES `scoring_profiles`(`version`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `teams` (
	`id` text PRIMARY KEY NOT NULL,
	`region_code` text NOT NULL,
	`name` text,
	`kind` text DEFAULT 'current' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`region_code`) REFERENCES `regions`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "teams_kind_ck" CHECK(kind in ('current', 'scenario'))
);
--> statement-breakpoint
CREATE INDEX `teams_region_idx` ON `teams` (`region_code`);