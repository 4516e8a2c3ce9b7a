import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ApplicationEntity } from '../applications/application.entity';
import { UserEntity } from '../users/user.entity';

@Entity({ name: 'user_app_assignments' })
// Serves an application's assignees (in assignment order) and its direct users.
@Index('ix_user_app_assignments_tenant_app_assigned', ['tenantId', 'applicationId', 'assignedAt', 'userId'])
export class UserAppAssignmentEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_user_app_assignments' })
  tenantId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'pk_user_app_assignments' })
  userId!: string;

  @PrimaryColumn({ name: 'application_id', type: 'uuid', primaryKeyConstraintName: 'pk_user_app_assignments' })
  applicationId!: string;

  @Column({ name: 'assigned_at', type: 'timestamptz', default: () => 'now()' })
  assignedAt!: Date;

  @Column({ name: 'assigned_by', type: 'varchar', length: 255 })
  assignedBy!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'user_id', referencedColumnName: 'id' },
  ])
  user?: UserEntity;

  @ManyToOne(() => ApplicationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'application_id', referencedColumnName: 'id' },
  ])
  application?: ApplicationEntity;
}
