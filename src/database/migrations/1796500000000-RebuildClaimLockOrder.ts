import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A worker claimed a rebuild by locking the application's state row (FOR UPDATE SKIP
 * LOCKED) and only then took the application's advisory lock; a group assignment takes the
 * advisory lock first and then updates that state row (marking a rebuild). Under load the
 * two met in opposite order: "deadlock detected", and the loser was sometimes the request
 * (a 409). Now a worker claims with an advisory lock of its own (the claim key, which only
 * workers take), never touching the state row before the application's lock, so every path
 * takes them in the same order: the application's advisory lock, then its state row.
 */
export class RebuildClaimLockOrder1796500000000 implements MigrationInterface {
  name = 'RebuildClaimLockOrder1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION effective_access_rebuild_next(OUT tenant_id uuid, OUT application_id uuid, OUT done boolean)
       RETURNS SETOF record LANGUAGE plpgsql AS $$
       DECLARE
         v_candidate record;
       BEGIN
         -- The oldest requests first; a candidate another worker has claimed is skipped.
         FOR v_candidate IN
           SELECT s.tenant_id, s.application_id FROM effective_access_state s
            WHERE s.rebuild_requested_at IS NOT NULL
            ORDER BY s.rebuild_requested_at
            LIMIT 16
         LOOP
           IF pg_try_advisory_xact_lock(hashtext('effective_access_rebuild_claim'),
                                        hashtext(v_candidate.tenant_id::text || ':' || v_candidate.application_id::text)) THEN
             tenant_id := v_candidate.tenant_id;
             application_id := v_candidate.application_id;
             -- Takes the application's advisory lock, then its state row, as every change does.
             done := effective_access_rebuild_step(tenant_id, application_id);
             RETURN NEXT;
             RETURN;
           END IF;
         END LOOP;
       END $$`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION effective_access_rebuild_next(OUT tenant_id uuid, OUT application_id uuid, OUT done boolean)
       RETURNS SETOF record LANGUAGE plpgsql AS $$
       BEGIN
         SELECT s.tenant_id, s.application_id INTO tenant_id, application_id
           FROM effective_access_state s
          WHERE s.rebuild_requested_at IS NOT NULL
          ORDER BY s.rebuild_requested_at
          LIMIT 1
            FOR UPDATE SKIP LOCKED;
         IF NOT FOUND THEN RETURN; END IF;
         done := effective_access_rebuild_step(tenant_id, application_id);
         RETURN NEXT;
       END $$`,
    );
  }
}
