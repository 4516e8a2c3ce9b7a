import { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns of each resource's representation that a PATCH can change: a change of any of them is a new version. */
const VERSIONED = [
  { table: 'users', columns: ['email', 'display_name', 'status'] },
  { table: 'groups', columns: ['name', 'description'] },
  { table: 'applications', columns: ['name', 'description', 'status'] },
] as const;

/**
 * A version per user, group and application, for conditional requests (ETag, If-Match,
 * If-None-Match). The database maintains it: a row trigger adds one whenever a column of the
 * representation changes, whatever statement changes it, and an UPDATE that changes nothing
 * (a PATCH with the same values) keeps it. If-Match compares it in the WHERE of the UPDATE or
 * DELETE that makes the change, so no other change can slip between the check and the write.
 */
export class ResourceVersions1796300000000 implements MigrationInterface {
  name = 'ResourceVersions1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION resource_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.version := OLD.version + 1;
        RETURN NEW;
      END
    $$`);
    for (const { table, columns } of VERSIONED) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD "version" integer NOT NULL DEFAULT '1'`);
      const old = columns.map((column) => `OLD.${column}`).join(', ');
      const changed = columns.map((column) => `NEW.${column}`).join(', ');
      await queryRunner.query(
        `CREATE TRIGGER ${table}_version BEFORE UPDATE ON "${table}" FOR EACH ROW
         WHEN ((${old}) IS DISTINCT FROM (${changed})) EXECUTE FUNCTION resource_version_bump()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const { table } of [...VERSIONED].reverse()) {
      await queryRunner.query(`DROP TRIGGER ${table}_version ON "${table}"`);
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "version"`);
    }
    await queryRunner.query(`DROP FUNCTION resource_version_bump()`);
  }
}
