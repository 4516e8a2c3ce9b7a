import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { GroupEntity } from './group.entity';

@Entity({ name: 'group_memberships' })
@Index('ix_group_memberships_tenant_user', ['tenantId', 'userId', 'groupId'])
export class GroupMembershipEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_group_memberships' })
  tenantId!: string;

  @PrimaryColumn({ name: 'group_id', type: 'uuid', primaryKeyConstraintName: 'pk_group_memberships' })
  groupId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'pk_group_memberships' })
  userId!: string;

  @CreateDateColumn({ name: 'added_at', type: 'timestamptz' })
  addedAt!: Date;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'group_id', referencedColumnName: 'id' },
  ])
  group?: GroupEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'user_id', referencedColumnName: 'id' },
  ])
  user?: UserEntity;
}
