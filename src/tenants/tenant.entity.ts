import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const TENANT_STATUSES = ['active', 'suspended'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

@Entity({ name: 'tenants' })
// Unique among the tenants not being deleted: a slug is free again once its deletion is accepted.
@Index('uq_tenants_slug', ['slug'], { unique: true, where: '"deletion_requested_at" IS NULL' })
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_tenants' })
  id!: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'slug', type: 'varchar', length: 63 })
  slug!: string;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status!: TenantStatus;

  /** Kept by triggers on users (see the GroupAndTenantCounters migration); never written by the app. */
  @Column({ name: 'user_count', type: 'integer', default: 0, insert: false, update: false })
  userCount!: number;

  /** Set when its deletion is accepted: from then on it is invisible, and a background worker removes its rows. */
  @Column({ name: 'deletion_requested_at', type: 'timestamptz', nullable: true, insert: false, update: false })
  deletionRequestedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
