import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { TenantEntity } from '../tenants/tenant.entity';

export const WEBHOOK_STATUSES = ['active', 'paused'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

/** A tenant's webhook: where its change events are POSTed, which types, signed with its secret. */
@Entity({ name: 'webhook_subscriptions' })
export class WebhookSubscriptionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_webhook_subscriptions' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_webhook_subscriptions' })
  id!: string;

  @Column({ name: 'url', type: 'varchar', length: 2048 })
  url!: string;

  /** The event types delivered; empty: every type. */
  @Column({ name: 'event_types', type: 'varchar', length: 64, array: true, default: () => "'{}'" })
  eventTypes!: string[];

  @Column({ name: 'description', type: 'varchar', length: 1000, nullable: true })
  description!: string | null;

  /** The HMAC-SHA256 key of the signatures (kept in clear: the relay needs it to sign). */
  @Column({ name: 'secret', type: 'varchar', length: 100 })
  secret!: string;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status!: WebhookStatus;

  @Column({ name: 'paused_reason', type: 'varchar', length: 500, nullable: true })
  pausedReason!: string | null;

  /** Events finally failed in a row (reset by a delivery that succeeds). */
  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  /** The first failed attempt since the last success; null while deliveries succeed. */
  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince!: Date | null;

  /** A relay instance delivering to this subscription holds it until then (one delivery at a time, in order). */
  @Column({ name: 'lease_until', type: 'timestamptz', default: () => "'-infinity'" })
  leaseUntil!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', referencedColumnName: 'id' })
  tenant?: TenantEntity;
}
