-- The audit trail is append-only: no path into the database (a route, a script, a future bug) may
-- edit or remove an event.
CREATE TRIGGER `audit_events_no_update` BEFORE UPDATE ON `audit_events`
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_events_no_delete` BEFORE DELETE ON `audit_events`
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
-- Auditors filter by object type and time.
CREATE INDEX `audit_events_object_type_idx` ON `audit_events` (`object_type`, `at`);
