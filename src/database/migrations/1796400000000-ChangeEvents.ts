import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Change events: the outbox (`change_events`, written by the one write path in the transaction
 * of each change), webhook subscriptions per tenant, their deliveries (one per event and
 * subscription, delivered in order) and every delivery attempt.
 */
export class ChangeEvents1796400000000 implements MigrationInterface {
  name = 'ChangeEvents1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "change_events" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "sequence" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "type" character varying(64) NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), "actor" character varying(255) NOT NULL, "request_id" character varying(128), "data" jsonb NOT NULL, "relayed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_change_events" PRIMARY KEY ("tenant_id", "id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_change_events_tenant_sequence" ON "change_events"  ("tenant_id", "sequence") `);
    await queryRunner.query(`CREATE INDEX "ix_change_events_pending" ON "change_events"  ("sequence") WHERE relayed_at IS NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_change_events_sequence" ON "change_events"  ("sequence") `);
    await queryRunner.query(
      `CREATE TABLE "webhook_subscriptions" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "url" character varying(2048) NOT NULL, "event_types" character varying(64) array NOT NULL DEFAULT '{}', "description" character varying(1000), "secret" character varying(100) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'active', "paused_reason" character varying(500), "consecutive_failures" integer NOT NULL DEFAULT '0', "failing_since" TIMESTAMP WITH TIME ZONE, "lease_until" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT '-infinity', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_webhook_subscriptions" PRIMARY KEY ("tenant_id", "id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_deliveries" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "sequence" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "subscription_id" uuid NOT NULL, "event_id" uuid NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "first_attempted_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_webhook_deliveries" PRIMARY KEY ("tenant_id", "id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_webhook_deliveries_event" ON "webhook_deliveries"  ("tenant_id", "event_id") `);
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_failed" ON "webhook_deliveries"  ("completed_at") WHERE status = 'failed'`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_pending" ON "webhook_deliveries"  ("tenant_id", "subscription_id", "sequence") WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_webhook_deliveries_event" ON "webhook_deliveries"  ("tenant_id", "subscription_id", "event_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_delivery_attempts" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "delivery_id" uuid NOT NULL, "subscription_id" uuid NOT NULL, "event_id" uuid NOT NULL, "event_type" character varying(64) NOT NULL, "attempt" integer NOT NULL, "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), "status_code" smallint, "error" character varying(500), "duration_ms" integer NOT NULL, "outcome" character varying(16) NOT NULL, CONSTRAINT "pk_webhook_delivery_attempts" PRIMARY KEY ("tenant_id", "id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_delivery_attempts_delivery" ON "webhook_delivery_attempts"  ("tenant_id", "delivery_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_delivery_attempts_subscription" ON "webhook_delivery_attempts"  ("tenant_id", "subscription_id", "attempted_at", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_subscriptions" ADD CONSTRAINT "FK_9f7060b145d1cd7b8c718b1b865" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_f605cf822d6f6a0f49a70d39089" FOREIGN KEY ("tenant_id", "subscription_id") REFERENCES "webhook_subscriptions"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_1d5848494165471552d9883d826" FOREIGN KEY ("tenant_id", "event_id") REFERENCES "change_events"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_delivery_attempts" ADD CONSTRAINT "FK_2b763f150699a2e1de1b8d4d09f" FOREIGN KEY ("tenant_id", "delivery_id") REFERENCES "webhook_deliveries"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_delivery_attempts" DROP CONSTRAINT "FK_2b763f150699a2e1de1b8d4d09f"`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_1d5848494165471552d9883d826"`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_f605cf822d6f6a0f49a70d39089"`);
    await queryRunner.query(`ALTER TABLE "webhook_subscriptions" DROP CONSTRAINT "FK_9f7060b145d1cd7b8c718b1b865"`);
    await queryRunner.query(`DROP INDEX "public"."ix_webhook_delivery_attempts_subscription"`);
    await queryRunner.query(`DROP INDEX "public"."ix_webhook_delivery_attempts_delivery"`);
    await queryRunner.query(`DROP TABLE "webhook_delivery_attempts"`);
    await queryRunner.query(`DROP INDEX "public"."ux_webhook_deliveries_event"`);
    await queryRunner.query(`DROP INDEX "public"."ix_webhook_deliveries_pending"`);
    await queryRunner.query(`DROP INDEX "public"."ix_webhook_deliveries_failed"`);
    await queryRunner.query(`DROP INDEX "public"."ix_webhook_deliveries_event"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE "webhook_subscriptions"`);
    await queryRunner.query(`DROP INDEX "public"."ux_change_events_sequence"`);
    await queryRunner.query(`DROP INDEX "public"."ix_change_events_pending"`);
    await queryRunner.query(`DROP INDEX "public"."ix_change_events_tenant_sequence"`);
    await queryRunner.query(`DROP TABLE "change_events"`);
  }
}
