import { Module } from '@nestjs/common';
import { DeletionPurgeRepository } from './deletion-purge.repository';
import { DeletionsRepository } from './deletions.repository';

/** Deletions carried out in the background: their records and their batches. Depends on nothing. */
@Module({
  providers: [DeletionsRepository, DeletionPurgeRepository],
  exports: [DeletionsRepository, DeletionPurgeRepository],
})
export class DeletionsModule {}
