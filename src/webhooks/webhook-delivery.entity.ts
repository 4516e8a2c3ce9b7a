import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ChangeEventEntity } from '../change-events/change-event.entity';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event for one subscription, created by the relay's fan-out. A subscription's
 * deliveries go out one at a time in `sequence` order: the next waits until the previous is
 * delivered or has finally failed.
 */
@Entity({ name: 'webhook_deliveries' })
@Index('ux_webhook_deliveries_event', ['tenantId', 'subscriptionId', 'eventId'], { unique: true })
@Index('ix_webhook_deliveries_pending', ['tenantId', 'subscriptionId', 'sequence'], { where: "status = 'pending'" })
@Index('ix_webhook_deliveries_failed', ['completedAt'], { where: "status = 'failed'" })
@Index('ix_webhook_deliveries_event', ['tenantId', 'eventId'])
export class WebhookDeliveryEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_webhook_deliveries' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_webhook_deliveries' })
  id!: string;

  @Column({ name: 'sequence', type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  sequence!: string;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'pending' })
  status!: DeliveryStatus;

  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ name: 'first_attempted_at', type: 'timestamptz', nullable: true })
  firstAttemptedAt!: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => WebhookSubscriptionEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'subscription_id', referencedColumnName: 'id' },
  ])
  subscription?: WebhookSubscriptionEntity;

  @ManyToOne(() => ChangeEventEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'event_id', referencedColumnName: 'id' },
  ])
  event?: ChangeEventEntity;
}
