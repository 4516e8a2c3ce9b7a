import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { TenantEntity } from '../tenants/tenant.entity';

export const USER_STATUSES = ['active', 'suspended'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

// The case-insensitive unique email index is an expression index that TypeORM
// cannot describe; it lives in the migration and is declared here so that the
// schema diff leaves it alone.
@Entity({ name: 'users' })
@Index('uq_users_tenant_email', { synchronize: false })
@Index('ix_users_tenant_email_id', ['tenantId', 'email', 'id'])
export class UserEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_users' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_users' })
  id!: string;

  @Column({ name: 'email', type: 'varchar', length: 320 })
  email!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName!: string;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status!: UserStatus;

  /** Maintained by the database (a trigger adds one on every change of the representation): the ETag. */
  @Column({ name: 'version', type: 'integer', default: 1, insert: false, update: false })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_users_tenant' })
  tenant?: TenantEntity;
}
