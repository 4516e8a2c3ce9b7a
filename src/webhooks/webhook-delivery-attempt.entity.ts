import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';

export const ATTEMPT_OUTCOMES = ['delivered', 'retrying', 'failed'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** One POST of a delivery: what the receiver answered (or why there was no answer). */
@Entity({ name: 'webhook_delivery_attempts' })
@Index('ix_webhook_delivery_attempts_subscription', ['tenantId', 'subscriptionId', 'attemptedAt', 'id'])
@Index('ix_webhook_delivery_attempts_delivery', ['tenantId', 'deliveryId'])
export class WebhookDeliveryAttemptEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_webhook_delivery_attempts' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_webhook_delivery_attempts' })
  id!: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType!: string;

  /** 1 for the first POST of the delivery. */
  @Column({ name: 'attempt', type: 'integer' })
  attempt!: number;

  @Column({ name: 'attempted_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  attemptedAt!: Date;

  /** The receiver's HTTP status; null when there was none (refused address, timeout, connection error). */
  @Column({ name: 'status_code', type: 'smallint', nullable: true })
  statusCode!: number | null;

  @Column({ name: 'error', type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  @Column({ name: 'outcome', type: 'varchar', length: 16 })
  outcome!: AttemptOutcome;

  @ManyToOne(() => WebhookDeliveryEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'delivery_id', referencedColumnName: 'id' },
  ])
  delivery?: WebhookDeliveryEntity;
}
