import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type AuditRecord, AuditRepository } from '../audit/audit.repository';
import type { Actor } from '../common/auth/principal';
import { type Tx, violationError, type Violations } from '../common/database/transaction';
import { TENANT_NOT_FOUND } from '../common/errors/tenant.errors';
import { TenantLockRepository } from './tenant-lock.repository';

/** What a write hands back: its result, and what the audit trail records of it (nothing when it changed nothing). */
export interface Change<T> {
  result: T;
  audit?: AuditRecord & {
    /** The tenant the event belongs to, when the write did not know it up front (a new tenant). */
    tenantId?: string;
  };
}

/**
 * The one write path: the change and its audit event in one transaction, so they commit or
 * roll back together, with the constraint violations the change can meet answered by the
 * caller's named errors. A write in a tenant first holds the tenant: one that does not exist
 * or is being deleted is a 404, and a deletion of the tenant waits for the writes in flight.
 */
@Injectable()
export class ChangeWriter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditRepository,
    private readonly tenants: TenantLockRepository,
  ) {}

  /**
   * `workHoldsTenant`: the work's first statement holds the tenant itself, together with the
   * rows it refers to (one round trip instead of two, on the busiest writes).
   */
  async write<T>(
    tenantId: string | undefined,
    actor: Actor,
    violations: Violations,
    work: (tx: Tx) => Promise<Change<T>>,
    { workHoldsTenant = false }: { workHoldsTenant?: boolean } = {},
  ): Promise<T> {
    try {
      return await this.dataSource.transaction(async (tx) => {
        if (tenantId !== undefined && !workHoldsTenant && !(await this.tenants.lockLive(tenantId, tx))) {
          throw TENANT_NOT_FOUND.error();
        }
        const { result, audit } = await work(tx);
        if (audit) {
          const auditTenant = audit.tenantId ?? tenantId;
          if (auditTenant === undefined) throw new Error(`audit event ${audit.action} names no tenant`);
          await this.audit.insert(auditTenant, actor, audit, tx);
        }
        return result;
      });
    } catch (error) {
      throw violationError(error, violations);
    }
  }
}
