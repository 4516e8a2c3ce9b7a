import { MigrationInterface, QueryRunner } from 'typeorm';

// The audit trail: append-only (a trigger refuses UPDATE and DELETE of its rows), and no
// foreign key to tenants so that a deleted tenant's trail remains.

export class AuditEvents1795889268883 implements MigrationInterface {
  name = 'AuditEvents1795889268883';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_events" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), "actor" character varying(255) NOT NULL, "action" character varying(64) NOT NULL, "target_type" character varying(32) NOT NULL, "target_id" uuid NOT NULL, "details" jsonb NOT NULL, "request_id" character varying(128), CONSTRAINT "pk_audit_events" PRIMARY KEY ("tenant_id", "id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_events_tenant_target_time" ON "audit_events"  ("tenant_id", "target_type", "target_id", "occurred_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_events_tenant_action_time" ON "audit_events"  ("tenant_id", "action", "occurred_at", "id") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_audit_events_tenant_time" ON "audit_events"  ("tenant_id", "occurred_at", "id") `);
    await queryRunner.query(`CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only';
            END
        $$`);
    await queryRunner.query(`CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON "audit_events"
            FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER audit_events_append_only ON "audit_events"`);
    await queryRunner.query(`DROP FUNCTION audit_events_append_only()`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_events_tenant_time"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_events_tenant_action_time"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_events_tenant_target_time"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
  }
}
