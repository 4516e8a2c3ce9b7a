import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The effective-access index: one row per (application, user who can use it), with the
 * number of ways the user reaches it, kept exact by triggers in the transaction of every
 * change (see the EffectiveAccessIndex migration). Derived data: no foreign keys (the
 * triggers remove rows whose paths are gone), so filling it takes no row locks on users.
 */
@Entity({ name: 'effective_access' })
@Check('ck_effective_access_group_paths', '"group_paths" >= 0')
// The page of effective users, in the documented order (email, then id), read from the index alone.
@Index('ix_effective_access_page', ['tenantId', 'applicationId', 'email', 'userId'])
export class EffectiveAccessEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_effective_access' })
  tenantId!: string;

  @PrimaryColumn({ name: 'application_id', type: 'uuid', primaryKeyConstraintName: 'pk_effective_access' })
  applicationId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'pk_effective_access' })
  userId!: string;

  /** The user's email, the sort key of the page (kept in step by a trigger on users). */
  @Column({ name: 'email', type: 'varchar', length: 320 })
  email!: string;

  /** Assigned to the user directly. */
  @Column({ name: 'direct', type: 'boolean' })
  direct!: boolean;

  /** How many of the application's assigned groups the user is a member of. */
  @Column({ name: 'group_paths', type: 'integer' })
  groupPaths!: number;
}
