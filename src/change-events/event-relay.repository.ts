import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Dummy, GenerateSql } from '../common/database/generate-sql';
import { runSql } from '../common/database/run-sql';
import type { Tx } from '../common/database/transaction';
import { BACKGROUND_CONNECTION } from '../database/database.options';
import { CHANGE_EVENT_COLUMNS, type ChangeEventRow } from './change-events.repository';

/** The relay's advisory lock: one fan-out batch at a time across instances, so order is kept. */
const RELAY_LOCK = 7_240_412_001;

/** Pending events are counted up to this many (the figure is for a health check, not an invoice). */
const PENDING_COUNT_CAP = 100_000;

export interface RelayLag {
  oldest_pending_seconds: number;
  pending_events: number;
}

/** The relay's side of the outbox, on the background pool; crosses tenants (it serves them all). */
@Injectable()
export class EventRelayRepository {
  constructor(
    @InjectDataSource() private readonly requests: DataSource,
    @InjectDataSource(BACKGROUND_CONNECTION) readonly dataSource: DataSource,
  ) {}

  /** Holds the relay for the transaction; false when another instance is relaying a batch. */
  @GenerateSql({ params: [Dummy.tx] })
  async tryHold(tx: Tx): Promise<boolean> {
    const { rows } = await runSql<{ held: boolean }>(tx, 'SELECT pg_try_advisory_xact_lock($1) AS held', [RELAY_LOCK]);
    return rows[0].held;
  }

  /** The oldest pending events, held for the transaction (FOR UPDATE SKIP LOCKED: rows in flight are not waited for). */
  @GenerateSql({ params: [100, Dummy.tx] })
  async claim(limit: number, tx: Tx): Promise<ChangeEventRow[]> {
    const { rows } = await runSql<ChangeEventRow>(
      tx,
      `SELECT ${CHANGE_EVENT_COLUMNS} FROM change_events
        WHERE relayed_at IS NULL
        ORDER BY sequence
        LIMIT $1
        FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows;
  }

  @GenerateSql({ params: [[Dummy.tenant], ['00000000-0000-4000-8000-000000000001'], Dummy.tx] })
  async markRelayed(tenantIds: string[], ids: string[], tx: Tx): Promise<number> {
    const { affected } = await runSql(
      tx,
      `UPDATE change_events c SET relayed_at = clock_timestamp()
         FROM unnest($1::uuid[], $2::uuid[]) AS e(tenant_id, id)
        WHERE c.tenant_id = e.tenant_id AND c.id = e.id`,
      [tenantIds, ids],
    );
    return affected;
  }

  /** How far behind the relay is: the age of the oldest pending event, and how many are pending. */
  @GenerateSql({ params: [] })
  async lag(): Promise<RelayLag> {
    const { rows } = await runSql<{ oldest: number | null; pending: string }>(
      this.requests,
      `SELECT (SELECT extract(epoch FROM clock_timestamp() - occurred_at)::float8
                 FROM change_events WHERE relayed_at IS NULL ORDER BY sequence LIMIT 1) AS oldest,
              (SELECT count(*) FROM (SELECT 1 FROM change_events WHERE relayed_at IS NULL LIMIT $1) p) AS pending`,
      [PENDING_COUNT_CAP],
    );
    return { oldest_pending_seconds: Math.max(0, Number(rows[0].oldest ?? 0)), pending_events: Number(rows[0].pending) };
  }
}
