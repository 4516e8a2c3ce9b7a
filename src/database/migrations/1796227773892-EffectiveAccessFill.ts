import { MigrationInterface, QueryRunner } from 'typeorm';

const PROGRESS_EVERY_MS = 5_000;

/**
 * Fills the effective-access index for the applications that existed before it, one
 * rebuild batch per transaction (effective_access_rebuild_next), reporting how far it is
 * every few seconds. Outside a transaction, so that each batch commits: stopped half way,
 * it goes on where it was the next time (and the service's background worker finishes it
 * meanwhile; reads of an application not filled yet use the live plan, exact either way).
 */
export class EffectiveAccessFill1796227773892 implements MigrationInterface {
  name = 'EffectiveAccessFill1796227773892';
  transaction = false;

  public async up(queryRunner: QueryRunner): Promise<void> {
    const [{ pending }] = (await queryRunner.query(
      `SELECT count(*) AS pending FROM effective_access_state WHERE rebuild_requested_at IS NOT NULL`,
    )) as Array<{ pending: string }>;
    const total = Number(pending);
    if (total === 0) return;
    // Batches are sized to take about a second; the service's per-statement limit does not apply here.
    await queryRunner.query(`SET statement_timeout = 0`);
    const started = Date.now();
    let reported = started;
    let finished = 0;
    let batches = 0;
    try {
      for (;;) {
        const rows = (await queryRunner.query(`SELECT done FROM effective_access_rebuild_next()`)) as Array<{ done: boolean }>;
        if (rows.length === 0) break;
        batches += 1;
        if (rows[0].done) finished += 1;
        if (Date.now() - reported >= PROGRESS_EVERY_MS) {
          reported = Date.now();
          progress(
            `effective-access index: ${finished} of ${total} applications filled, ${batches} batches, ${seconds(started)} s`,
          );
        }
      }
      await queryRunner.query(`VACUUM (ANALYZE) effective_access, effective_access_state`);
    } finally {
      await queryRunner.query(`RESET statement_timeout`);
    }
    progress(`effective-access index: ${total} applications filled in ${batches} batches, ${seconds(started)} s`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`TRUNCATE effective_access, effective_access_count_deltas`);
    await queryRunner.query(
      `UPDATE effective_access_state SET user_count = 0, rebuild_requested_at = clock_timestamp(), rebuild_cursor = NULL`,
    );
  }
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}

/** A JSON line like the service's own logs (migrations run before its logger exists, and from the CLI). */
function progress(message: string): void {
  process.stdout.write(`${JSON.stringify({ level: 30, time: new Date().toISOString(), context: 'Migrations', msg: message })}\n`);
}
