import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795887670422 implements MigrationInterface {
  name = 'InitialSchema1795887670422';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "tenants" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "slug" character varying(63) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_2310ecc5cb8be427097154b18fc" UNIQUE ("slug"), CONSTRAINT "pk_tenants" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "applications" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "description" character varying(1000), "client_id" character varying(64) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_19b187ccdbeb753c44a3a0be30c" UNIQUE ("client_id"), CONSTRAINT "pk_applications" PRIMARY KEY ("tenant_id", "id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_applications_tenant_name_id" ON "applications"  ("tenant_id", "name", "id") `);
    await queryRunner.query(
      `CREATE TABLE "groups" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "description" character varying(1000), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_groups_tenant_name" UNIQUE ("tenant_id", "name"), CONSTRAINT "pk_groups" PRIMARY KEY ("tenant_id", "id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "group_app_assignments" ("tenant_id" uuid NOT NULL, "group_id" uuid NOT NULL, "application_id" uuid NOT NULL, "assigned_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "assigned_by" character varying(255) NOT NULL, CONSTRAINT "pk_group_app_assignments" PRIMARY KEY ("tenant_id", "group_id", "application_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_group_app_assignments_tenant_app_group" ON "group_app_assignments"  ("tenant_id", "application_id", "group_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "users" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(320) NOT NULL, "display_name" character varying(200) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_users" PRIMARY KEY ("tenant_id", "id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_users_tenant_email_id" ON "users"  ("tenant_id", "email", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_tenant_email" ON "users" ("tenant_id", lower("email"))`);
    await queryRunner.query(
      `CREATE TABLE "user_app_assignments" ("tenant_id" uuid NOT NULL, "user_id" uuid NOT NULL, "application_id" uuid NOT NULL, "assigned_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "assigned_by" character varying(255) NOT NULL, CONSTRAINT "pk_user_app_assignments" PRIMARY KEY ("tenant_id", "user_id", "application_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_user_app_assignments_tenant_app_user" ON "user_app_assignments"  ("tenant_id", "application_id", "user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "group_memberships" ("tenant_id" uuid NOT NULL, "group_id" uuid NOT NULL, "user_id" uuid NOT NULL, "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_group_memberships" PRIMARY KEY ("tenant_id", "group_id", "user_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_group_memberships_tenant_user" ON "group_memberships"  ("tenant_id", "user_id", "group_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "applications" ADD CONSTRAINT "fk_applications_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "groups" ADD CONSTRAINT "fk_groups_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "group_app_assignments" ADD CONSTRAINT "FK_c020734b95c989d96c3e28d6081" FOREIGN KEY ("tenant_id", "group_id") REFERENCES "groups"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "group_app_assignments" ADD CONSTRAINT "FK_fae72a1214dbf6e2ce16b42ed84" FOREIGN KEY ("tenant_id", "application_id") REFERENCES "applications"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "fk_users_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_app_assignments" ADD CONSTRAINT "FK_3c028ff2a1c1524ca44a73652fa" FOREIGN KEY ("tenant_id", "user_id") REFERENCES "users"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_app_assignments" ADD CONSTRAINT "FK_7fff0d36d122eff6939933a0e6c" FOREIGN KEY ("tenant_id", "application_id") REFERENCES "applications"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "group_memberships" ADD CONSTRAINT "FK_5a870de2fecc494ba1679013ab7" FOREIGN KEY ("tenant_id", "group_id") REFERENCES "groups"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "group_memberships" ADD CONSTRAINT "FK_032421d2799e9f396fb884033da" FOREIGN KEY ("tenant_id", "user_id") REFERENCES "users"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "group_memberships" DROP CONSTRAINT "FK_032421d2799e9f396fb884033da"`);
    await queryRunner.query(`ALTER TABLE "group_memberships" DROP CONSTRAINT "FK_5a870de2fecc494ba1679013ab7"`);
    await queryRunner.query(`ALTER TABLE "user_app_assignments" DROP CONSTRAINT "FK_7fff0d36d122eff6939933a0e6c"`);
    await queryRunner.query(`ALTER TABLE "user_app_assignments" DROP CONSTRAINT "FK_3c028ff2a1c1524ca44a73652fa"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "fk_users_tenant"`);
    await queryRunner.query(`ALTER TABLE "group_app_assignments" DROP CONSTRAINT "FK_fae72a1214dbf6e2ce16b42ed84"`);
    await queryRunner.query(`ALTER TABLE "group_app_assignments" DROP CONSTRAINT "FK_c020734b95c989d96c3e28d6081"`);
    await queryRunner.query(`ALTER TABLE "groups" DROP CONSTRAINT "fk_groups_tenant"`);
    await queryRunner.query(`ALTER TABLE "applications" DROP CONSTRAINT "fk_applications_tenant"`);
    await queryRunner.query(`DROP INDEX "public"."ix_group_memberships_tenant_user"`);
    await queryRunner.query(`DROP TABLE "group_memberships"`);
    await queryRunner.query(`DROP INDEX "public"."ix_user_app_assignments_tenant_app_user"`);
    await queryRunner.query(`DROP TABLE "user_app_assignments"`);
    await queryRunner.query(`DROP INDEX "public"."uq_users_tenant_email"`);
    await queryRunner.query(`DROP INDEX "public"."ix_users_tenant_email_id"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP INDEX "public"."ix_group_app_assignments_tenant_app_group"`);
    await queryRunner.query(`DROP TABLE "group_app_assignments"`);
    await queryRunner.query(`DROP TABLE "groups"`);
    await queryRunner.query(`DROP INDEX "public"."ix_applications_tenant_name_id"`);
    await queryRunner.query(`DROP TABLE "applications"`);
    await queryRunner.query(`DROP TABLE "tenants"`);
  }
}
