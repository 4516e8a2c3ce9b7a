import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counters kept in the same transaction as the rows they count, by statement-level
 * triggers (cascaded deletes included): groups.member_count and tenants.user_count.
 * The effective-users total of an application reads its largest group's member_count
 * instead of counting a million memberships. Rows are updated one at a time in id order,
 * so concurrent statements touching several groups lock them in the same order.
 */
export class GroupAndTenantCounters1795890265447 implements MigrationInterface {
  name = 'GroupAndTenantCounters1795890265447';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tenants" ADD "user_count" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "groups" ADD "member_count" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(
      `UPDATE groups g SET member_count = c.n
         FROM (SELECT tenant_id, group_id, count(*) AS n FROM group_memberships GROUP BY tenant_id, group_id) c
        WHERE g.tenant_id = c.tenant_id AND g.id = c.group_id`,
    );
    await queryRunner.query(
      `UPDATE tenants t SET user_count = c.n
         FROM (SELECT tenant_id, count(*) AS n FROM users GROUP BY tenant_id) c
        WHERE t.id = c.tenant_id`,
    );

    await queryRunner.query(`CREATE FUNCTION group_member_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        change record;
      BEGIN
        FOR change IN
          SELECT tenant_id, group_id, count(*) AS n FROM changed_rows GROUP BY tenant_id, group_id ORDER BY tenant_id, group_id
        LOOP
          UPDATE groups SET member_count = member_count + CASE WHEN TG_OP = 'INSERT' THEN change.n ELSE -change.n END
           WHERE tenant_id = change.tenant_id AND id = change.group_id;
        END LOOP;
        RETURN NULL;
      END
    $$`);
    await queryRunner.query(`CREATE TRIGGER group_memberships_count_insert AFTER INSERT ON group_memberships
      REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION group_member_count_apply()`);
    await queryRunner.query(`CREATE TRIGGER group_memberships_count_delete AFTER DELETE ON group_memberships
      REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION group_member_count_apply()`);

    await queryRunner.query(`CREATE FUNCTION tenant_user_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        change record;
      BEGIN
        FOR change IN SELECT tenant_id, count(*) AS n FROM changed_rows GROUP BY tenant_id ORDER BY tenant_id
        LOOP
          UPDATE tenants SET user_count = user_count + CASE WHEN TG_OP = 'INSERT' THEN change.n ELSE -change.n END
           WHERE id = change.tenant_id;
        END LOOP;
        RETURN NULL;
      END
    $$`);
    await queryRunner.query(`CREATE TRIGGER users_count_insert AFTER INSERT ON users
      REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION tenant_user_count_apply()`);
    await queryRunner.query(`CREATE TRIGGER users_count_delete AFTER DELETE ON users
      REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION tenant_user_count_apply()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER users_count_delete ON users`);
    await queryRunner.query(`DROP TRIGGER users_count_insert ON users`);
    await queryRunner.query(`DROP FUNCTION tenant_user_count_apply()`);
    await queryRunner.query(`DROP TRIGGER group_memberships_count_delete ON group_memberships`);
    await queryRunner.query(`DROP TRIGGER group_memberships_count_insert ON group_memberships`);
    await queryRunner.query(`DROP FUNCTION group_member_count_apply()`);
    await queryRunner.query(`ALTER TABLE "groups" DROP COLUMN "member_count"`);
    await queryRunner.query(`ALTER TABLE "tenants" DROP COLUMN "user_count"`);
  }
}
