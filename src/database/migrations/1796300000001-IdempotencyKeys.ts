import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Idempotency-Key records: per (tenant, token subject, key), the fingerprint of the
 * request that first used the key and the response it got, written in the transaction of
 * that request's change, kept 24 hours (the background worker removes expired ones). A key
 * in flight has no row: the transaction that holds it holds an advisory lock on it.
 * No foreign key to tenants: a tenant's creation is keyed in the caller's tenant.
 */
export class IdempotencyKeys1796300000001 implements MigrationInterface {
  name = 'IdempotencyKeys1796300000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "idempotency_keys" ("tenant_id" uuid NOT NULL, "subject" character varying(255) NOT NULL, "key" character varying(255) NOT NULL, "fingerprint" character varying(64) NOT NULL, "operation" character varying(200) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'completed', "response_status" smallint NOT NULL, "response_headers" jsonb NOT NULL, "response_body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_idempotency_keys" PRIMARY KEY ("tenant_id", "subject", "key"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_idempotency_keys_expires_at" ON "idempotency_keys"  ("expires_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_idempotency_keys_expires_at"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
