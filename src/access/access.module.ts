import { Module } from '@nestjs/common';
import { EffectiveAccessRepository } from './effective-access.repository';
import { EffectiveAccessCheckRepository } from './effective-access-check.repository';
import { EffectiveAccessRebuilder } from './effective-access-rebuilder';

/** The effective-access index: its reads and its background rebuilds. Depends on nothing. */
@Module({
  providers: [EffectiveAccessRepository, EffectiveAccessCheckRepository, EffectiveAccessRebuilder],
  exports: [EffectiveAccessRepository, EffectiveAccessCheckRepository, EffectiveAccessRebuilder],
})
export class AccessModule {}
