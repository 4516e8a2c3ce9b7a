import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ApplicationEntity } from '../applications/application.entity';

/**
 * Per application: how many users can use it (with the deltas not folded yet) and whether
 * its index rows are being rebuilt in the background (a large fan-out, or the first fill).
 * While `rebuild_requested_at` is set, rows of users up to `rebuild_cursor` are exact and
 * reads use the live plan instead of the index. Every change to the application's index
 * rows holds this row shared (KEY SHARE) and every rebuild batch exclusively, so changes
 * and batches of one application take turns while changes run side by side.
 */
@Entity({ name: 'effective_access_state' })
@Index('ix_effective_access_state_rebuild', ['rebuildRequestedAt'], { where: '"rebuild_requested_at" IS NOT NULL' })
export class EffectiveAccessStateEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_effective_access_state' })
  tenantId!: string;

  @PrimaryColumn({ name: 'application_id', type: 'uuid', primaryKeyConstraintName: 'pk_effective_access_state' })
  applicationId!: string;

  @Column({ name: 'user_count', type: 'bigint', default: 0 })
  userCount!: string;

  @Column({ name: 'rebuild_requested_at', type: 'timestamptz', nullable: true })
  rebuildRequestedAt!: Date | null;

  @Column({ name: 'rebuild_cursor', type: 'uuid', nullable: true })
  rebuildCursor!: string | null;

  /** The users each batch of the rebuild covers, sized at its first batch. */
  @Column({ name: 'rebuild_batch_users', type: 'bigint', nullable: true })
  rebuildBatchUsers!: string | null;

  @ManyToOne(() => ApplicationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'fk_effective_access_state_application' },
    { name: 'application_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_effective_access_state_application' },
  ])
  application?: ApplicationEntity;
}
