CREATE TABLE `data_changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`kind` text NOT NULL,
	`op` text NOT NULL,
	`cadre_id` text,
	`other_id` text,
	`team_id` text,
	`detail` text,
	CONSTRAINT "data_changes_kind_ck" CHECK(kind in ('assessment', 'cadre', 'kin', 'skill', 'preference', 'seat', 'team', 'profile')),
	CONSTRAINT "data_changes_op_ck" CHECK(op in ('insert', 'update', 'delete'))
);
--> statement-breakpoint
CREATE TABLE `result_freshness` (
	`kind` text NOT NULL,
	`id` text NOT NULL,
	`basis_seq` integer NOT NULL,
	`failure` text,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`kind`, `id`),
	CONSTRAINT "result_freshness_kind_ck" CHECK(kind in ('suggestion', 'exchange-plan', 'team-score'))
);
