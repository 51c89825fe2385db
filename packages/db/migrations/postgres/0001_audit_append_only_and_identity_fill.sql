-- Identity fill. The SQLite query builder sends an explicit NULL for an omitted
-- `integer primary key autoincrement` id; an identity column takes that NULL as the value and the
-- NOT NULL check refuses it. Before the row is stored, give it the identity's next value instead.
CREATE FUNCTION "fill_identity_id"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW."id" IS NULL THEN
		NEW."id" := nextval(pg_get_serial_sequence(format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME), 'id'));
	END IF;
	RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "order_items_fill_id" BEFORE INSERT ON "order_items"
FOR EACH ROW EXECUTE FUNCTION "fill_identity_id"();
--> statement-breakpoint
CREATE TRIGGER "credit_ledger_fill_id" BEFORE INSERT ON "credit_ledger"
FOR EACH ROW EXECUTE FUNCTION "fill_identity_id"();
--> statement-breakpoint
CREATE TRIGGER "subscription_history_fill_id" BEFORE INSERT ON "subscription_history"
FOR EACH ROW EXECUTE FUNCTION "fill_identity_id"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_fill_id" BEFORE INSERT ON "audit_log"
FOR EACH ROW EXECUTE FUNCTION "fill_identity_id"();
--> statement-breakpoint
-- audit_log is append-only, as on SQLite (migrations/sqlite/0006_store_for_scale.sql).
CREATE FUNCTION "audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_update" BEFORE UPDATE ON "audit_log"
FOR EACH ROW EXECUTE FUNCTION "audit_log_append_only"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_delete" BEFORE DELETE ON "audit_log"
FOR EACH ROW EXECUTE FUNCTION "audit_log_append_only"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"();
