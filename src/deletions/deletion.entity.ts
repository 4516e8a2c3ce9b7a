import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export const DELETION_RESOURCE_TYPES = ['tenant', 'group', 'application'] as const;
export type DeletionResourceType = (typeof DELETION_RESOURCE_TYPES)[number];

export const DELETION_STATUSES = ['accepted', 'running', 'completed'] as const;
export type DeletionStatus = (typeof DELETION_STATUSES)[number];

/**
 * A deletion too large to do within a request: accepted (the resource is invisible from
 * then on), then carried out in batches by a background worker. No foreign key: it outlives
 * what it deletes, tenant included, so that its status can be read to the end.
 */
@Entity({ name: 'deletions' })
@Index('ix_deletions_pending', ['requestedAt'], { where: `"status" <> 'completed'` })
@Index('ix_deletions_resource', ['tenantId', 'resourceType', 'resourceId', 'requestedAt'])
export class DeletionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_deletions' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_deletions' })
  id!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 16 })
  resourceType!: DeletionResourceType;

  @Column({ name: 'resource_id', type: 'uuid' })
  resourceId!: string;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'accepted' })
  status!: DeletionStatus;

  /** Which kind of rows the next batch removes. */
  @Column({ name: 'stage', type: 'varchar', length: 32 })
  stage!: string;

  @Column({ name: 'rows_deleted', type: 'bigint', default: 0 })
  rowsDeleted!: string;

  @Column({ name: 'requested_at', type: 'timestamptz', default: () => 'now()' })
  requestedAt!: Date;

  @Column({ name: 'requested_by', type: 'varchar', length: 255 })
  requestedBy!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
