import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The outbox: one row per committed change that can alter who may use what, written in the
 * transaction of the change itself (a rolled-back change leaves none). The relay
 * (background worker) publishes each row to NATS and fans it out to the tenant's webhook
 * subscriptions, then marks it relayed. No foreign key to tenants, like the audit trail.
 */
@Entity({ name: 'change_events' })
@Index('ux_change_events_sequence', ['sequence'], { unique: true })
@Index('ix_change_events_pending', ['sequence'], { where: 'relayed_at IS NULL' })
@Index('ix_change_events_tenant_sequence', ['tenantId', 'sequence'])
export class ChangeEventEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_change_events' })
  tenantId!: string;

  /** The event id consumers de-duplicate by (also the NATS message id). */
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_change_events' })
  id!: string;

  /** Order of insertion: the relay takes pending events in this order. */
  @Column({ name: 'sequence', type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  sequence!: string;

  @Column({ name: 'type', type: 'varchar', length: 64 })
  type!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  occurredAt!: Date;

  @Column({ name: 'actor', type: 'varchar', length: 255 })
  actor!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  /** The ids involved (`user_id`, `application_id`, ...), per type. */
  @Column({ name: 'data', type: 'jsonb' })
  data!: Record<string, unknown>;

  /** Set by the relay once the event is published and fanned out; null while pending. */
  @Column({ name: 'relayed_at', type: 'timestamptz', nullable: true })
  relayedAt!: Date | null;
}
