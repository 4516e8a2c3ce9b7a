import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ApplicationEntity } from '../applications/application.entity';
import { GroupEntity } from '../groups/group.entity';

@Entity({ name: 'group_app_assignments' })
// Serves an application's assigned groups (in assignment order) and its effective users.
@Index('ix_group_app_assignments_tenant_app_assigned', ['tenantId', 'applicationId', 'assignedAt', 'groupId'])
export class GroupAppAssignmentEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_group_app_assignments' })
  tenantId!: string;

  @PrimaryColumn({ name: 'group_id', type: 'uuid', primaryKeyConstraintName: 'pk_group_app_assignments' })
  groupId!: string;

  @PrimaryColumn({ name: 'application_id', type: 'uuid', primaryKeyConstraintName: 'pk_group_app_assignments' })
  applicationId!: string;

  @Column({ name: 'assigned_at', type: 'timestamptz', default: () => 'now()' })
  assignedAt!: Date;

  @Column({ name: 'assigned_by', type: 'varchar', length: 255 })
  assignedBy!: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'group_id', referencedColumnName: 'id' },
  ])
  group?: GroupEntity;

  @ManyToOne(() => ApplicationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'application_id', referencedColumnName: 'id' },
  ])
  application?: ApplicationEntity;
}
