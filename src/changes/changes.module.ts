import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { ChangeWriter } from './change-writer';
import { TenantLockRepository } from './tenant-lock.repository';

/** The write path every feature module changes data through (with its audit trail). */
@Module({
  imports: [AuditModule, IdempotencyModule],
  providers: [ChangeWriter, TenantLockRepository],
  exports: [ChangeWriter],
})
export class ChangesModule {}
