PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_norms` (
	`code` text NOT NULL,
	`version` integer NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`code`, `version`),
	CONSTRAINT "norms_kind_ck" CHECK(kind in ('cutoffs', 'z'))
);
--> statement-breakpoint
INSERT INTO `__new_norms`("code", "version", "name", "kind", "definition", "created_at") SELECT "code", 1, "name", "kind", "definition", "created_at" FROM `norms`;--> statement-breakpoint
DROP TABLE `norms`;--> statement-breakpoint
ALTER TABLE `__new_norms` RENAME TO `norms`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
ALTER TABLE `scoring_profiles` ADD `note` text;