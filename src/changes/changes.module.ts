import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ChangeEventsRepository } from '../change-events/change-events.repository';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { ChangeWriter } from './change-writer';
import { CommittedChanges } from './committed-changes';
import { TenantLockRepository } from './tenant-lock.repository';

/** The write path every feature module changes data through (with its audit trail and change events). */
@Module({
  imports: [AuditModule, IdempotencyModule],
  providers: [ChangeWriter, CommittedChanges, TenantLockRepository, ChangeEventsRepository],
  exports: [ChangeWriter, CommittedChanges],
})
export class ChangesModule {}
