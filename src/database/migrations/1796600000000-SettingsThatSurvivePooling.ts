import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The settings every statement of the service runs with, as defaults of the database itself
 * (they apply to every new session, whoever opens it: the service directly, a transaction-
 * mode pooler such as PgBouncer, or a streaming replica, which replays them). Until now
 * they were startup options of each connection, which a pooler refuses ("unsupported
 * startup parameter") or would lose.
 * - jit off: short OLTP statements; JIT compilation added 15-50 ms to 1 ms queries.
 * - statement_timeout 5 s: the time limit of an API request's statement (answered 504).
 *   Work allowed longer raises it for its own transaction (`SET LOCAL`): the background
 *   batches to 60 s; migrations connect directly and lift it for their session.
 */
export class SettingsThatSurvivePooling1796600000000 implements MigrationInterface {
  name = 'SettingsThatSurvivePooling1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DO $$ BEGIN
         EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
         EXECUTE format('ALTER DATABASE %I SET statement_timeout = %L', current_database(), '5s');
       END $$`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DO $$ BEGIN
         EXECUTE format('ALTER DATABASE %I RESET jit', current_database());
         EXECUTE format('ALTER DATABASE %I RESET statement_timeout', current_database());
       END $$`,
    );
  }
}
