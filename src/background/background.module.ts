import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { DeletionsModule } from '../deletions/deletions.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { BackgroundWorker } from './background-worker';

/** The service's background work (see BackgroundWorker). Nothing depends on it. */
@Module({
  imports: [AccessModule, DeletionsModule, IdempotencyModule],
  providers: [BackgroundWorker],
  exports: [BackgroundWorker],
})
export class BackgroundModule {}
