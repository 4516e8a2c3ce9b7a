import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The index's tuning, one row, read by its triggers: a change that would touch more index
 * rows than `inline_fanout_limit` is not applied in the request's transaction but queued
 * as a rebuild of the application, done `rebuild_batch_rows` rows at a time.
 */
@Entity({ name: 'effective_access_settings' })
@Check('ck_effective_access_settings_singleton', '"singleton"')
@Check('ck_effective_access_settings_limits', '"inline_fanout_limit" >= 0 AND "rebuild_batch_rows" > 0')
export class EffectiveAccessSettingsEntity {
  @PrimaryColumn({ name: 'singleton', type: 'boolean', default: true, primaryKeyConstraintName: 'pk_effective_access_settings' })
  singleton!: boolean;

  @Column({ name: 'inline_fanout_limit', type: 'integer', default: 5000 })
  inlineFanoutLimit!: number;

  @Column({ name: 'rebuild_batch_rows', type: 'integer', default: 20000 })
  rebuildBatchRows!: number;
}
