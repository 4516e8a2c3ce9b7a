import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A change in an application's number of users, appended by the change that caused it and
 * folded into effective_access_state by the background worker: changes never update a
 * shared counter row, so they do not wait for each other. The count is the state's plus
 * the deltas not folded yet.
 */
@Entity({ name: 'effective_access_count_deltas' })
@Index('ix_effective_access_count_deltas_application', ['tenantId', 'applicationId'])
export class EffectiveAccessCountDeltaEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_effective_access_count_deltas' })
  tenantId!: string;

  @PrimaryGeneratedColumn('identity', {
    name: 'id',
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_effective_access_count_deltas',
  })
  id!: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId!: string;

  @Column({ name: 'delta', type: 'integer' })
  delta!: number;
}
