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

@Entity({ name: 'groups' })
// Unique among the groups not being deleted: a name is free again once its deletion is accepted.
@Index('uq_groups_tenant_name', ['tenantId', 'name'], { unique: true, where: '"deletion_requested_at" IS NULL' })
export class GroupEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_groups' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_groups' })
  id!: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'description', type: 'varchar', length: 1000, nullable: true })
  description!: string | null;

  /** Set when its deletion is accepted: from then on it is invisible, and a background worker removes its members. */
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
  @JoinColumn({ name: 'tenant_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_groups_tenant' })
  tenant?: TenantEntity;
}
