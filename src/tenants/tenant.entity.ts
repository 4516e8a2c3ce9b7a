import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const TENANT_STATUSES = ['active', 'suspended'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

@Entity({ name: 'tenants' })
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_tenants' })
  id!: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'slug', type: 'varchar', length: 63, unique: true })
  slug!: string;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status!: TenantStatus;

  /** Kept by triggers on users (see the GroupAndTenantCounters migration); never written by the app. */
  @Column({ name: 'user_count', type: 'integer', default: 0, insert: false, update: false })
  userCount!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
