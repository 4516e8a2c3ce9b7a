import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Dummy, GenerateSql } from '../common/database/generate-sql';
import { runSql } from '../common/database/run-sql';
import type { Tx } from '../common/database/transaction';

/** Whose key it is: keys of different tenants or different token subjects never meet. */
export interface IdempotencyScope {
  tenantId: string;
  subject: string;
}

/** A response as it was sent, to be sent again. */
export interface StoredResponse {
  status: number;
  /** By lower-case name: content-type, and etag / location when the first response had them. */
  headers: Record<string, string>;
  body: string;
}

export interface StoredKey {
  fingerprint: string;
  operation: string;
  response: StoredResponse;
}

export interface NewKey {
  fingerprint: string;
  operation: string;
  response: StoredResponse;
}

/** How long a key replays its first response. */
export const IDEMPOTENCY_KEY_TTL = '24 hours';

const SCOPE = { tenantId: Dummy.tenant, subject: 'developer' };
const KEY = '4c1b7a52-6b5e-4a55-9f0c-1f1e4b8c9d01';

@Injectable()
export class IdempotencyKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Holds the key for the rest of the transaction, or says that another transaction holds
   * it (a request with this key in flight). The lock is advisory: nothing is written until
   * the request's change is, in the same transaction.
   */
  @GenerateSql({ params: [SCOPE, KEY, Dummy.tx] })
  async tryHold(scope: IdempotencyScope, key: string, tx: Tx): Promise<boolean> {
    // Tenant and key hold no newline (a UUID; printable ASCII), so the text names one (tenant, subject, key).
    const { rows } = await runSql<{ held: boolean }>(
      tx,
      `SELECT pg_try_advisory_xact_lock(hashtextextended('idempotency:' || $1 || E'\\n' || $2 || E'\\n' || $3, 0)) AS held`,
      [scope.tenantId, scope.subject, key],
    );
    return rows[0].held;
  }

  /** The key's first request and response, unless it expired. */
  @GenerateSql({ params: [SCOPE, KEY, Dummy.tx] })
  async find(scope: IdempotencyScope, key: string, tx: Tx): Promise<StoredKey | undefined> {
    const { rows } = await runSql<{
      fingerprint: string;
      operation: string;
      response_status: number;
      response_headers: Record<string, string>;
      response_body: string;
    }>(
      tx,
      `SELECT fingerprint, operation, response_status, response_headers, response_body
         FROM idempotency_keys
        WHERE tenant_id = $1 AND subject = $2 AND key = $3 AND expires_at > now()`,
      [scope.tenantId, scope.subject, key],
    );
    const row = rows[0];
    return (
      row && {
        fingerprint: row.fingerprint,
        operation: row.operation,
        response: { status: row.response_status, headers: row.response_headers, body: row.response_body },
      }
    );
  }

  /** Records the key with its response (replacing an expired record the purge has not removed yet). */
  @GenerateSql({
    params: [
      SCOPE,
      KEY,
      {
        fingerprint: '0'.repeat(64),
        operation: 'POST /api/v1/tenants/:tenant_id/users',
        response: { status: 201, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{}' },
      },
      Dummy.tx,
    ],
  })
  async insert(scope: IdempotencyScope, key: string, record: NewKey, tx: Tx): Promise<void> {
    await runSql(
      tx,
      `INSERT INTO idempotency_keys
              (tenant_id, subject, key, fingerprint, operation, response_status, response_headers, response_body, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + $9::interval)
       ON CONFLICT (tenant_id, subject, key) DO UPDATE
          SET fingerprint = EXCLUDED.fingerprint, operation = EXCLUDED.operation, status = EXCLUDED.status,
              response_status = EXCLUDED.response_status, response_headers = EXCLUDED.response_headers,
              response_body = EXCLUDED.response_body, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
        WHERE idempotency_keys.expires_at <= now()`,
      [
        scope.tenantId,
        scope.subject,
        key,
        record.fingerprint,
        record.operation,
        record.response.status,
        JSON.stringify(record.response.headers),
        record.response.body,
        IDEMPOTENCY_KEY_TTL,
      ],
    );
  }

  /** Removes up to `limit` expired keys (the background worker's batch); returns how many. */
  @GenerateSql({ params: [1000] })
  async purgeExpired(limit: number): Promise<number> {
    const { affected } = await runSql(
      this.dataSource,
      `DELETE FROM idempotency_keys
        WHERE (tenant_id, subject, key) IN (SELECT tenant_id, subject, key FROM idempotency_keys
                                             WHERE expires_at <= now()
                                             ORDER BY expires_at
                                             LIMIT $1
                                               FOR UPDATE SKIP LOCKED)`,
      [limit],
    );
    return affected;
  }
}
