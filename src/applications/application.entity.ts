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

export const APPLICATION_STATUSES = ['active', 'inactive'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

@Entity({ name: 'applications' })
@Index('ix_applications_tenant_name_id', ['tenantId', 'name', 'id'])
export class ApplicationEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_applications' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_applications' })
  id!: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'description', type: 'varchar', length: 1000, nullable: true })
  description!: string | null;

  @Column({ name: 'client_id', type: 'varchar', length: 64, unique: true })
  clientId!: string;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status!: ApplicationStatus;

  /** Set when its deletion is accepted: from then on it is invisible, and a background worker removes its rows. */
  @Column({ name: 'deletion_requested_at', type: 'timestamptz', nullable: true, insert: false, update: false })
  deletionRequestedAt!: Date | null;

  /** Maintained by the database (a trigger adds one on every change of the representation): the ETag. */
  @Column({ name: 'version', type: 'integer', default: 1, insert: false, update: false })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tenant_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_applications_tenant' })
  tenant?: TenantEntity;
}
