import { Module } from '@nestjs/common';
import { EffectiveAccessRepository } from './effective-access.repository';
import { EffectiveAccessCheckRepository } from './effective-access-check.repository';
import { EffectiveAccessRebuildRepository } from './effective-access-rebuild.repository';

/** The effective-access index: its reads, its check, and the batches that rebuild it. Depends on nothing. */
@Module({
  providers: [EffectiveAccessRepository, EffectiveAccessCheckRepository, EffectiveAccessRebuildRepository],
  exports: [EffectiveAccessRepository, EffectiveAccessCheckRepository, EffectiveAccessRebuildRepository],
})
export class AccessModule {}
