import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type AuditRecord, AuditRepository } from '../audit/audit.repository';
import type { ChangeEvent } from '../change-events/change-event-types';
import { ChangeEventsRepository } from '../change-events/change-events.repository';
import type { Actor } from '../common/auth/principal';
import { type Tx, violationError, type Violations } from '../common/database/transaction';
import { IdempotencyErrors, IdempotencyKeyRejections } from '../common/errors/idempotency.errors';
import { TENANT_NOT_FOUND } from '../common/errors/tenant.errors';
import { PreparedResponseReplay } from '../common/http/prepared-response';
import { IdempotencyKeysRepository, type StoredKey } from '../idempotency/idempotency-keys.repository';
import type { IdempotentRequest } from '../idempotency/idempotent-request';
import { PrimaryWalRepository } from '../replicas/primary-wal.repository';
import { CommittedChanges } from './committed-changes';
import { TenantLockRepository } from './tenant-lock.repository';

/** What a write hands back: its result, and what the audit trail records of it (nothing when it changed nothing). */
export interface Change<T> {
  result: T;
  audit?: AuditRecord & {
    /** The tenant the event belongs to, when the write did not know it up front (a new tenant). */
    tenantId?: string;
  };
  /**
   * The change events it causes (changes that can alter who may use what), written to the
   * outbox in the same transaction: a change that rolls back emits none.
   */
  events?: readonly ChangeEvent[];
}

export interface WriteOptions {
  /**
   * The work's first statement holds the tenant itself, together with the rows it refers to
   * (one round trip instead of two, on the busiest writes).
   */
  workHoldsTenant?: boolean;
  /** The request's Idempotency-Key, when it has one. */
  idempotency?: IdempotentRequest;
}

/**
 * The one write path: the change, its audit event and its change events (the outbox the
 * relay delivers to webhooks and NATS) in one transaction, so they commit or
 * roll back together, with the constraint violations the change can meet answered by the
 * caller's named errors. A write in a tenant first holds the tenant: one that does not exist
 * or is being deleted is a 404, and a deletion of the tenant waits for the writes in flight.
 *
 * With an Idempotency-Key, the transaction first holds the key (another request holding it
 * is in flight: 409, `Retry-After: 1`). A key already recorded for the same request answers
 * its recorded response again without doing the work (a PreparedResponseReplay); recorded
 * for another request, it is a 422. Otherwise the work runs and the key is recorded with the
 * response, in the same transaction: the change and the key commit or roll back together,
 * and a request that fails records nothing, so its retry runs again.
 */
@Injectable()
export class ChangeWriter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditRepository,
    private readonly tenants: TenantLockRepository,
    private readonly idempotencyKeys: IdempotencyKeysRepository,
    private readonly changeEvents: ChangeEventsRepository,
    private readonly wal: PrimaryWalRepository,
    private readonly committed: CommittedChanges,
  ) {}

  async write<T>(
    tenantId: string | undefined,
    actor: Actor,
    violations: Violations,
    work: (tx: Tx) => Promise<Change<T>>,
    { workHoldsTenant = false, idempotency }: WriteOptions = {},
  ): Promise<T> {
    let result: T;
    try {
      result = await this.dataSource.transaction(async (tx) => {
        if (idempotency) await this.holdKey(idempotency, tx);
        if (tenantId !== undefined && !workHoldsTenant && !(await this.tenants.lockLive(tenantId, tx))) {
          throw TENANT_NOT_FOUND.error();
        }
        const { result, audit, events } = await work(tx);
        if (audit) {
          const auditTenant = audit.tenantId ?? tenantId;
          if (auditTenant === undefined) throw new Error(`audit event ${audit.action} names no tenant`);
          await this.audit.insert(auditTenant, actor, audit, tx);
        }
        if (events && events.length > 0) {
          const eventTenant = audit?.tenantId ?? tenantId;
          if (eventTenant === undefined) throw new Error(`change event ${events[0].type} names no tenant`);
          await this.changeEvents.insert(eventTenant, actor, events, tx);
        }
        if (idempotency) {
          const { fingerprint, operation } = idempotency;
          await this.idempotencyKeys.insert(
            idempotency.scope,
            idempotency.key,
            {
              fingerprint,
              operation,
              response: idempotency.respond(result),
            },
            tx,
          );
        }
        return result;
      });
    } catch (error) {
      // A replay answers a write that committed earlier: the position now is past it too.
      if (error instanceof PreparedResponseReplay) await this.recordCommitPosition(actor);
      throw violationError(error, violations);
    }
    this.committed.announce();
    await this.recordCommitPosition(actor);
    return result;
  }

  /** The response's Consistency-Token: where the primary's WAL stands now that the write has committed. */
  private async recordCommitPosition(actor: Actor): Promise<void> {
    if (actor.consistency) actor.consistency.committedAt = await this.wal.position();
  }

  /**
   * Holds the request's key for the transaction; throws the replay, the 422 or the 409 when
   * the key is not free. A recorded key is answered without the lock, so that retries
   * arriving together after the first request replay side by side instead of queueing; it
   * is looked up again once the lock is held, for a first request that committed meanwhile.
   */
  private async holdKey(request: IdempotentRequest, tx: Tx): Promise<void> {
    this.answerRecorded(request, await this.idempotencyKeys.find(request.scope, request.key, tx));
    if (!(await this.idempotencyKeys.tryHold(request.scope, request.key, tx))) {
      throw IdempotencyErrors.inFlight.errorWithHeaders({ 'Retry-After': '1' });
    }
    this.answerRecorded(request, await this.idempotencyKeys.find(request.scope, request.key, tx));
  }

  private answerRecorded(request: IdempotentRequest, stored: StoredKey | undefined): void {
    if (!stored) return;
    if (stored.fingerprint !== request.fingerprint) {
      throw IdempotencyKeyRejections.reused(stored.operation, stored.operation === request.operation);
    }
    throw new PreparedResponseReplay(stored.response);
  }
}
