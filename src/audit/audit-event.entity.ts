import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One successful change, written in the transaction of the change itself. No foreign key
 * to tenants: an auditor still needs the trail of a tenant after it was deleted.
 */
@Entity({ name: 'audit_events' })
@Index('ix_audit_events_tenant_time', ['tenantId', 'occurredAt', 'id'])
@Index('ix_audit_events_tenant_action_time', ['tenantId', 'action', 'occurredAt', 'id'])
@Index('ix_audit_events_tenant_target_time', ['tenantId', 'targetType', 'targetId', 'occurredAt', 'id'])
export class AuditEventEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_audit_events' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_audit_events' })
  id!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  occurredAt!: Date;

  @Column({ name: 'actor', type: 'varchar', length: 255 })
  actor!: string;

  @Column({ name: 'action', type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'target_type', type: 'varchar', length: 32 })
  targetType!: string;

  @Column({ name: 'target_id', type: 'uuid' })
  targetId!: string;

  @Column({ name: 'details', type: 'jsonb' })
  details!: Record<string, unknown>;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;
}
