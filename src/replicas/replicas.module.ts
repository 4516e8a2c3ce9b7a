import { Global, Module } from '@nestjs/common';
import { PrimaryWalRepository } from './primary-wal.repository';
import { ReadRouter } from './read-router';
import { ReplicasMetrics } from './replicas.metrics';

/** Read routing to the streaming replicas, and the WAL positions of the consistency tokens; every repository may route its reads. */
@Global()
@Module({
  providers: [ReadRouter, PrimaryWalRepository, ReplicasMetrics],
  exports: [ReadRouter, PrimaryWalRepository],
})
export class ReplicasModule {}
