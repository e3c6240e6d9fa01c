-- Stale markers (issue 14). Every write to a table that a saved suggestion, exchange plan or stored
-- team score reads leaves a row in `data_changes` IN THE WRITE'S OWN TRANSACTION, whoever writes (a
-- route, an import, a placement, the command-line tools, the demo loader, another process, a libSQL
-- server behind the worker): the trigger is the one place no write path can forget. Which saved
-- results a change affects is decided in TypeScript (src/services/staleness/), on read and by the
-- re-rank job; the log row itself is what makes a result read stale from the moment the write commits.
-- The log's own insert queues ONE re-rank job of scope "changes" (when none is waiting) to re-rank
-- the affected results; that job writes only tables no trigger watches, so it never re-marks anything.
-- Columns watched are those scoring and candidate pools read (src/services/members.ts, pool filters);
-- a write that changes none of them (a name, a timestamp, a version counter) logs nothing.
CREATE TRIGGER `data_changes_queue_rerank` AFTER INSERT ON `data_changes`
BEGIN
	INSERT INTO `jobs` (`id`, `kind`, `status`, `done`, `total`, `payload`, `attempts`, `created_at`, `updated_at`)
	SELECT lower(hex(randomblob(16))), 'rerank', 'queued', 0, 0, '{"scope":"changes"}', 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
	WHERE NOT EXISTS (
		SELECT 1 FROM `jobs` WHERE `status` = 'queued' AND `kind` = 'rerank' AND `payload` = '{"scope":"changes"}'
	);
END;
--> statement-breakpoint
CREATE TRIGGER `assessments_insert_change` AFTER INSERT ON `assessments`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `other_id`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'assessment', 'insert', new.`cadre_id`, new.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `assessments_update_change` AFTER UPDATE ON `assessments`
WHEN old.`cadre_id` IS NOT new.`cadre_id`
	OR old.`taken_on` IS NOT new.`taken_on`
	OR old.`created_at` IS NOT new.`created_at`
	OR old.`sten_a` IS NOT new.`sten_a`
	OR old.`sten_b` IS NOT new.`sten_b`
	OR old.`sten_c` IS NOT new.`sten_c`
	OR old.`sten_e` IS NOT new.`sten_e`
	OR old.`sten_f` IS NOT new.`sten_f`
	OR old.`sten_g` IS NOT new.`sten_g`
	OR old.`sten_h` IS NOT new.`sten_h`
	OR old.`sten_i` IS NOT new.`sten_i`
	OR old.`sten_l` IS NOT new.`sten_l`
	OR old.`sten_m` IS NOT new.`sten_m`
	OR old.`sten_n` IS NOT new.`sten_n`
	OR old.`sten_o` IS NOT new.`sten_o`
	OR old.`sten_q1` IS NOT new.`sten_q1`
	OR old.`sten_q2` IS NOT new.`sten_q2`
	OR old.`sten_q3` IS NOT new.`sten_q3`
	OR old.`sten_q4` IS NOT new.`sten_q4`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `other_id`, `detail`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'assessment', 'update', new.`cadre_id`, new.`id`, json_object('previousCadreId', CASE WHEN old.`cadre_id` IS NOT new.`cadre_id` THEN old.`cadre_id` END));
END;
--> statement-breakpoint
CREATE TRIGGER `assessments_delete_change` AFTER DELETE ON `assessments`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `other_id`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'assessment', 'delete', old.`cadre_id`, old.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `cadres_update_change` AFTER UPDATE ON `cadres`
WHEN old.`gender` IS NOT new.`gender`
	OR old.`birth_year` IS NOT new.`birth_year`
	OR old.`education` IS NOT new.`education`
	OR old.`birth_region` IS NOT new.`birth_region`
	OR old.`growth_region` IS NOT new.`growth_region`
	OR old.`current_region` IS NOT new.`current_region`
	OR old.`current_post` IS NOT new.`current_post`
	OR old.`rank` IS NOT new.`rank`
	OR old.`reserve` IS NOT new.`reserve`
	OR old.`years_in_post` IS NOT new.`years_in_post`
	OR old.`years_in_locality` IS NOT new.`years_in_locality`
	OR old.`service_years` IS NOT new.`service_years`
	OR old.`grassroots_years` IS NOT new.`grassroots_years`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `detail`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'cadre', 'update', new.`id`, json_object('fields', json((SELECT json_group_array(value) FROM json_each(json_array(CASE WHEN old.`gender` IS NOT new.`gender` THEN 'gender' END, CASE WHEN old.`birth_year` IS NOT new.`birth_year` THEN 'birthYear' END, CASE WHEN old.`education` IS NOT new.`education` THEN 'education' END, CASE WHEN old.`birth_region` IS NOT new.`birth_region` THEN 'birthRegion' END, CASE WHEN old.`growth_region` IS NOT new.`growth_region` THEN 'growthRegion' END, CASE WHEN old.`current_region` IS NOT new.`current_region` THEN 'currentRegion' END, CASE WHEN old.`current_post` IS NOT new.`current_post` THEN 'currentPost' END, CASE WHEN old.`rank` IS NOT new.`rank` THEN 'rank' END, CASE WHEN old.`reserve` IS NOT new.`reserve` THEN 'reserve' END, CASE WHEN old.`years_in_post` IS NOT new.`years_in_post` THEN 'yearsInPost' END, CASE WHEN old.`years_in_locality` IS NOT new.`years_in_locality` THEN 'yearsInLocality' END, CASE WHEN old.`service_years` IS NOT new.`service_years` THEN 'serviceYears' END, CASE WHEN old.`grassroots_years` IS NOT new.`grassroots_years` THEN 'grassrootsYears' END)) WHERE value IS NOT NULL)), 'before', json(json_object('region', old.`current_region`, 'rank', old.`rank`, 'reserve', old.`reserve`)), 'after', json(json_object('region', new.`current_region`, 'rank', new.`rank`, 'reserve', new.`reserve`))));
END;
--> statement-breakpoint
CREATE TRIGGER `cadres_delete_change` AFTER DELETE ON `cadres`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `detail`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'cadre', 'delete', old.`id`, json_object('before', json(json_object('region', old.`current_region`, 'rank', old.`rank`, 'reserve', old.`reserve`))));
END;
--> statement-breakpoint
CREATE TRIGGER `kin_links_insert_change` AFTER INSERT ON `kin_links`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `other_id`, `detail`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'kin', 'insert', new.`cadre_id`, new.`kin_id`, json_object('relation', new.`relation`));
END;
--> statement-breakpoint
CREATE TRIGGER `kin_links_delete_change` AFTER DELETE ON `kin_links`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `other_id`, `detail`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'kin', 'delete', old.`cadre_id`, old.`kin_id`, json_object('relation', old.`relation`));
END;
--> statement-breakpoint
CREATE TRIGGER `kin_links_update_change` AFTER UPDATE ON `kin_links`
WHEN old.`cadre_id` IS NOT new.`cadre_id`
	OR old.`kin_id` IS NOT new.`kin_id`
	OR old.`relation` IS NOT new.`relation`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `other_id`, `detail`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'kin', 'update', new.`cadre_id`, new.`kin_id`, json_object('relation', new.`relation`, 'before', json_object('cadreId', old.`cadre_id`, 'kinId', old.`kin_id`, 'relation', old.`relation`)));
END;
--> statement-breakpoint
CREATE TRIGGER `cadre_skills_insert_change` AFTER INSERT ON `cadre_skills`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `other_id`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'skill', 'insert', new.`cadre_id`, new.`skill`);
END;
--> statement-breakpoint
CREATE TRIGGER `cadre_skills_delete_change` AFTER DELETE ON `cadre_skills`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `other_id`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'skill', 'delete', old.`cadre_id`, old.`skill`);
END;
--> statement-breakpoint
CREATE TRIGGER `cadre_skills_update_change` AFTER UPDATE ON `cadre_skills`
WHEN old.`cadre_id` IS NOT new.`cadre_id`
	OR old.`skill` IS NOT new.`skill`
	OR old.`level` IS NOT new.`level`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `other_id`, `detail`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'skill', 'update', new.`cadre_id`, new.`skill`, json_object('before', json_object('cadreId', old.`cadre_id`, 'skill', old.`skill`)));
END;
--> statement-breakpoint
CREATE TRIGGER `cadre_preferences_insert_change` AFTER INSERT ON `cadre_preferences`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'preference', 'insert', new.`cadre_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `cadre_preferences_delete_change` AFTER DELETE ON `cadre_preferences`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'preference', 'delete', old.`cadre_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `cadre_preferences_update_change` AFTER UPDATE ON `cadre_preferences`
WHEN old.`cadre_id` IS NOT new.`cadre_id`
	OR old.`rank` IS NOT new.`rank`
	OR old.`region_code` IS NOT new.`region_code`
	OR old.`post_code` IS NOT new.`post_code`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `detail`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'preference', 'update', new.`cadre_id`, json_object('before', json_object('cadreId', old.`cadre_id`)));
END;
--> statement-breakpoint
CREATE TRIGGER `seats_insert_change` AFTER INSERT ON `seats`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `team_id`, `detail`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'seat', 'insert', new.`cadre_id`, new.`team_id`, json_object('after', json(json_object('position', new.`position`, 'post', new.`post_code`, 'cadreId', new.`cadre_id`))));
END;
--> statement-breakpoint
CREATE TRIGGER `seats_update_change` AFTER UPDATE ON `seats`
WHEN old.`team_id` IS NOT new.`team_id`
	OR old.`position` IS NOT new.`position`
	OR old.`post_code` IS NOT new.`post_code`
	OR old.`cadre_id` IS NOT new.`cadre_id`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `team_id`, `detail`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'seat', 'update', new.`cadre_id`, new.`team_id`, json_object('before', json(json_object('position', old.`position`, 'post', old.`post_code`, 'cadreId', old.`cadre_id`)), 'after', json(json_object('position', new.`position`, 'post', new.`post_code`, 'cadreId', new.`cadre_id`)), 'previousTeamId', CASE WHEN old.`team_id` IS NOT new.`team_id` THEN old.`team_id` END));
END;
--> statement-breakpoint
CREATE TRIGGER `seats_delete_change` AFTER DELETE ON `seats`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `cadre_id`, `team_id`, `detail`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'seat', 'delete', old.`cadre_id`, old.`team_id`, json_object('before', json(json_object('position', old.`position`, 'post', old.`post_code`, 'cadreId', old.`cadre_id`))));
END;
--> statement-breakpoint
CREATE TRIGGER `teams_update_change` AFTER UPDATE ON `teams`
WHEN old.`region_code` IS NOT new.`region_code`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `team_id`, `detail`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'team', 'update', new.`id`, json_object('fields', json_array('region'), 'before', json_object('region', old.`region_code`), 'after', json_object('region', new.`region_code`)));
END;
--> statement-breakpoint
CREATE TRIGGER `teams_delete_change` AFTER DELETE ON `teams`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `team_id`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'team', 'delete', old.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `scoring_profiles_insert_change` AFTER INSERT ON `scoring_profiles`
BEGIN
	INSERT INTO `data_changes` (`at`, `kind`, `op`, `other_id`, `detail`)
	VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'profile', 'insert', CAST(new.`version` AS TEXT), json_object('note', new.`note`));
END;
