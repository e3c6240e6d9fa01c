-- A counter that every change to what scoring reads about a cadre moves forward, whoever writes
-- (this process, the import command, another server on the same file): caches of loaded members
-- (src/services/member-cache.ts) compare it with one tiny read instead of reloading every cadre.
-- Kept out of db/schema.ts on purpose: it is maintained only by these triggers.
CREATE TABLE `member_data_version` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`version` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `member_data_version` (`id`, `version`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `cadres_insert_member_version` AFTER INSERT ON `cadres`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cadres_update_member_version` AFTER UPDATE ON `cadres`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cadres_delete_member_version` AFTER DELETE ON `cadres`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cadre_skills_insert_member_version` AFTER INSERT ON `cadre_skills`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cadre_skills_update_member_version` AFTER UPDATE ON `cadre_skills`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cadre_skills_delete_member_version` AFTER DELETE ON `cadre_skills`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kin_links_insert_member_version` AFTER INSERT ON `kin_links`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kin_links_update_member_version` AFTER UPDATE ON `kin_links`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `kin_links_delete_member_version` AFTER DELETE ON `kin_links`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cadre_preferences_insert_member_version` AFTER INSERT ON `cadre_preferences`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cadre_preferences_update_member_version` AFTER UPDATE ON `cadre_preferences`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cadre_preferences_delete_member_version` AFTER DELETE ON `cadre_preferences`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `assessments_insert_member_version` AFTER INSERT ON `assessments`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `assessments_update_member_version` AFTER UPDATE ON `assessments`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `assessments_delete_member_version` AFTER DELETE ON `assessments`
BEGIN
	UPDATE `member_data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
