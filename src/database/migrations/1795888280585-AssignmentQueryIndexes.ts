import { MigrationInterface, QueryRunner } from 'typeorm';

// Indexes whose column order serves the App Assignments set queries: an application's
// assignees in assignment order, and the users and groups that reach an application.

export class AssignmentQueryIndexes1795888280585 implements MigrationInterface {
  name = 'AssignmentQueryIndexes1795888280585';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_group_app_assignments_tenant_app_group"`);
    await queryRunner.query(`DROP INDEX "public"."ix_user_app_assignments_tenant_app_user"`);
    await queryRunner.query(
      `CREATE INDEX "ix_group_app_assignments_tenant_app_assigned" ON "group_app_assignments"  ("tenant_id", "application_id", "assigned_at", "group_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_user_app_assignments_tenant_app_assigned" ON "user_app_assignments"  ("tenant_id", "application_id", "assigned_at", "user_id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_user_app_assignments_tenant_app_assigned"`);
    await queryRunner.query(`DROP INDEX "public"."ix_group_app_assignments_tenant_app_assigned"`);
    await queryRunner.query(
      `CREATE INDEX "ix_user_app_assignments_tenant_app_user" ON "user_app_assignments" ("tenant_id", "application_id", "user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_group_app_assignments_tenant_app_group" ON "group_app_assignments" ("tenant_id", "application_id", "group_id") `,
    );
  }
}
