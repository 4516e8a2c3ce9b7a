import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/auth/principal';
import { Dummy, FIRST_PAGE, GenerateSql } from '../common/database/generate-sql';
import { type PageOfRows, selectPage } from '../common/database/pagination';
import { runSql } from '../common/database/run-sql';
import type { Tx } from '../common/database/transaction';
import type { PageRequest } from '../common/http/page';
import type { ChangeEvent } from './change-event-types';

export interface ChangeEventRow {
  id: string;
  sequence: string;
  tenant_id: string;
  type: string;
  occurred_at: Date;
  actor: string;
  request_id: string | null;
  data: Record<string, unknown>;
}

export const CHANGE_EVENT_COLUMNS = 'id, sequence, tenant_id, type, occurred_at, actor, request_id, data';

/** The outbox: written by the one write path, read by the API (catch-up) and the relay. */
@Injectable()
export class ChangeEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records the change's events inside its transaction, in the order given (one statement). */
  @GenerateSql({
    params: [
      Dummy.tenant,
      { subject: 'alice', requestId: 'req-1' },
      [{ type: 'assignment.user_assigned', data: { user_id: Dummy.user, application_id: Dummy.application } }],
      Dummy.tx,
    ],
  })
  async insert(tenantId: string, actor: Actor, events: readonly ChangeEvent[], tx: Tx): Promise<void> {
    await runSql(
      tx,
      `INSERT INTO change_events (tenant_id, type, actor, request_id, data)
       SELECT $1, e.type, $2, $3, e.data
         FROM unnest($4::varchar[], $5::jsonb[]) WITH ORDINALITY AS e(type, data, n)
        ORDER BY e.n`,
      [
        tenantId,
        actor.subject,
        actor.requestId,
        events.map((event) => event.type),
        events.map((event) => JSON.stringify(event.data)),
      ],
    );
  }

  /** The tenant's events in the order they were recorded (oldest first); `type` narrows the list. */
  @GenerateSql(
    { name: 'every type', params: [Dummy.tenant, FIRST_PAGE, undefined] },
    { name: 'one type', params: [Dummy.tenant, FIRST_PAGE, 'assignment.user_assigned'] },
  )
  page(tenantId: string, page: PageRequest, type: string | undefined): Promise<PageOfRows<ChangeEventRow>> {
    const parameters: unknown[] = [tenantId];
    let where = 'tenant_id = $1';
    if (type !== undefined) {
      parameters.push(type);
      where += ' AND type = $2';
    }
    return selectPage<ChangeEventRow>(
      this.dataSource,
      {
        rows: `SELECT ${CHANGE_EVENT_COLUMNS} FROM change_events WHERE ${where} ORDER BY sequence`,
        count: `SELECT count(*) AS total FROM change_events WHERE ${where}`,
        parameters,
      },
      page,
    );
  }
}
