import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * groups.member_count goes: every membership change updated its group's row, so changes to
 * one group's members waited for each other (the commit of each included). What used it
 * now counts, no further than it needs: whether a group is larger than the inline fan-out
 * limit (LIMIT limit + 1), and the live plan's sizes (only while an application is rebuilt).
 */
export class GroupMemberCountRemoved1796234000000 implements MigrationInterface {
  name = 'GroupMemberCountRemoved1796234000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER group_memberships_count_delete ON group_memberships`);
    await queryRunner.query(`DROP TRIGGER group_memberships_count_insert ON group_memberships`);
    await queryRunner.query(`DROP FUNCTION group_member_count_apply()`);
    await queryRunner.query(`ALTER TABLE "groups" DROP COLUMN "member_count"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "groups" ADD "member_count" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(
      `UPDATE groups g SET member_count = (SELECT count(*) FROM group_memberships m WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id)`,
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
  }
}
