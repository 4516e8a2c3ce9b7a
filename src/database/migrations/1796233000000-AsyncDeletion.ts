import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deletions too large for a request (a tenant of a million users, a group of 400,000
 * members, an application half a tenant can use): the request marks the resource as being
 * deleted (from then on every read treats it as gone, and its slug or name is free again),
 * records a deletion, and answers 202; deletion_purge_next() then removes its rows in
 * batches, one transaction each, and records the completion in the audit trail.
 */
export class AsyncDeletion1796233000000 implements MigrationInterface {
  name = 'AsyncDeletion1796233000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "groups" DROP CONSTRAINT "uq_groups_tenant_name"`);
    await queryRunner.query(
      `CREATE TABLE "deletions" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "resource_type" character varying(16) NOT NULL, "resource_id" uuid NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'accepted', "stage" character varying(32) NOT NULL, "rows_deleted" bigint NOT NULL DEFAULT '0', "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "requested_by" character varying(255) NOT NULL, "request_id" character varying(128), "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_deletions" PRIMARY KEY ("tenant_id", "id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_deletions_resource" ON "deletions"  ("tenant_id", "resource_type", "resource_id", "requested_at") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_deletions_pending" ON "deletions"  ("requested_at") WHERE "status" <> 'completed'`);
    await queryRunner.query(`ALTER TABLE "tenants" ADD "deletion_requested_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "applications" ADD "deletion_requested_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "groups" ADD "deletion_requested_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "tenants" DROP CONSTRAINT "UQ_2310ecc5cb8be427097154b18fc"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_tenants_slug" ON "tenants"  ("slug") WHERE "deletion_requested_at" IS NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_groups_tenant_name" ON "groups"  ("tenant_id", "name") WHERE "deletion_requested_at" IS NULL`,
    );
    await queryRunner.query(PURGE_NEXT);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION deletion_purge_next(integer)`);
    await queryRunner.query(`DROP INDEX "public"."uq_groups_tenant_name"`);
    await queryRunner.query(`DROP INDEX "public"."uq_tenants_slug"`);
    await queryRunner.query(`ALTER TABLE "tenants" ADD CONSTRAINT "UQ_2310ecc5cb8be427097154b18fc" UNIQUE ("slug")`);
    await queryRunner.query(`ALTER TABLE "groups" DROP COLUMN "deletion_requested_at"`);
    await queryRunner.query(`ALTER TABLE "applications" DROP COLUMN "deletion_requested_at"`);
    await queryRunner.query(`ALTER TABLE "tenants" DROP COLUMN "deletion_requested_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_deletions_pending"`);
    await queryRunner.query(`DROP INDEX "public"."ix_deletions_resource"`);
    await queryRunner.query(`DROP TABLE "deletions"`);
    await queryRunner.query(`ALTER TABLE "groups" ADD CONSTRAINT "uq_groups_tenant_name" UNIQUE ("tenant_id", "name")`);
  }
}

/**
 * Claims the oldest unfinished deletion no other worker holds and removes one batch of its
 * rows: the stage names the kind (index rows, memberships, assignments, users, ...); a batch
 * that finds fewer than p_batch rows moves on to the next stage, and the last stage deletes
 * the resource's own row, marks the deletion completed and records it in the audit trail.
 * Each kind is emptied before the rows that would cascade to it, so every statement stays
 * within one batch and the triggers find nothing left to maintain.
 */
const PURGE_NEXT = `
CREATE FUNCTION deletion_purge_next(p_batch integer) RETURNS TABLE (deletion_tenant uuid, deletion_id uuid, done boolean)
LANGUAGE plpgsql AS $$
DECLARE
  v deletions%ROWTYPE;
  v_stages text[];
  v_deleted bigint := 0;
  v_next text;
BEGIN
  SELECT * INTO v FROM deletions d WHERE d.status <> 'completed' ORDER BY d.requested_at LIMIT 1 FOR UPDATE SKIP LOCKED;
  IF NOT FOUND THEN RETURN; END IF;
  v_stages := CASE v.resource_type
    WHEN 'application' THEN ARRAY['index', 'direct', 'groups', 'row']
    WHEN 'group' THEN ARRAY['members', 'row']
    ELSE ARRAY['index', 'members', 'direct', 'groups', 'users', 'group_rows', 'application_rows', 'row'] END;

  IF v.resource_type = 'application' THEN
    CASE v.stage
      WHEN 'index' THEN DELETE FROM effective_access WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM effective_access e WHERE e.tenant_id = v.tenant_id AND e.application_id = v.resource_id LIMIT p_batch));
      WHEN 'direct' THEN DELETE FROM user_app_assignments WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM user_app_assignments ua WHERE ua.tenant_id = v.tenant_id AND ua.application_id = v.resource_id LIMIT p_batch));
      WHEN 'groups' THEN DELETE FROM group_app_assignments WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM group_app_assignments ga WHERE ga.tenant_id = v.tenant_id AND ga.application_id = v.resource_id LIMIT p_batch));
      ELSE DELETE FROM applications a WHERE a.tenant_id = v.tenant_id AND a.id = v.resource_id;
    END CASE;
  ELSIF v.resource_type = 'group' THEN
    CASE v.stage
      WHEN 'members' THEN DELETE FROM group_memberships WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM group_memberships m WHERE m.tenant_id = v.tenant_id AND m.group_id = v.resource_id LIMIT p_batch));
      ELSE DELETE FROM groups g WHERE g.tenant_id = v.tenant_id AND g.id = v.resource_id;
    END CASE;
  ELSE
    CASE v.stage
      WHEN 'index' THEN DELETE FROM effective_access WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM effective_access e WHERE e.tenant_id = v.tenant_id LIMIT p_batch));
      WHEN 'members' THEN DELETE FROM group_memberships WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM group_memberships m WHERE m.tenant_id = v.tenant_id LIMIT p_batch));
      WHEN 'direct' THEN DELETE FROM user_app_assignments WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM user_app_assignments ua WHERE ua.tenant_id = v.tenant_id LIMIT p_batch));
      WHEN 'groups' THEN DELETE FROM group_app_assignments WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM group_app_assignments ga WHERE ga.tenant_id = v.tenant_id LIMIT p_batch));
      WHEN 'users' THEN DELETE FROM users WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM users u WHERE u.tenant_id = v.tenant_id LIMIT p_batch));
      WHEN 'group_rows' THEN DELETE FROM groups WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM groups g WHERE g.tenant_id = v.tenant_id LIMIT p_batch));
      WHEN 'application_rows' THEN DELETE FROM applications WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM applications a WHERE a.tenant_id = v.tenant_id LIMIT p_batch));
      ELSE DELETE FROM tenants t WHERE t.id = v.tenant_id;
    END CASE;
  END IF;
  GET DIAGNOSTICS v_deleted = ROW_COUNT;

  IF v.stage = 'row' THEN
    v_next := NULL;
  ELSIF v_deleted >= p_batch THEN
    v_next := v.stage;
  ELSE
    v_next := v_stages[array_position(v_stages, v.stage::text) + 1];
  END IF;
  UPDATE deletions d
     SET stage = coalesce(v_next, d.stage),
         rows_deleted = d.rows_deleted + v_deleted,
         status = CASE WHEN v_next IS NULL THEN 'completed' ELSE 'running' END,
         completed_at = CASE WHEN v_next IS NULL THEN clock_timestamp() END
   WHERE d.tenant_id = v.tenant_id AND d.id = v.id;
  IF v_next IS NULL THEN
    INSERT INTO audit_events (tenant_id, actor, action, target_type, target_id, details, request_id)
    VALUES (v.tenant_id, v.requested_by, v.resource_type || '.deletion_completed', v.resource_type, v.resource_id,
            json_build_object('deletion_id', v.id, 'rows_deleted', v.rows_deleted + v_deleted), v.request_id);
  END IF;
  deletion_tenant := v.tenant_id;
  deletion_id := v.id;
  done := v_next IS NULL;
  RETURN NEXT;
END $$`;
