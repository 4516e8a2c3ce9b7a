import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Dummy, GenerateSql } from '../common/database/generate-sql';
import { runSql } from '../common/database/run-sql';
import { ACCESS_CHECK_BATCH_SQL, ACCESS_CHECK_SQL } from './access-checks.sql';

/** One (user, application) pair to check; the application by id or by client id (exactly one of them). */
export interface AccessCheckPair {
  userId: string;
  applicationId?: string;
  clientId?: string;
}

/** What the statement found for one pair. */
export interface AccessCheckRow {
  user_exists: boolean;
  /** null: no such application in the tenant (or its deletion was accepted). */
  application_id: string | null;
  client_id: string | null;
  direct: boolean;
  /** The groups through which the user has the application, sorted by name, then id. */
  groups: Array<{ id: string; name: string }>;
}

/**
 * The access checks: one statement for one pair, one statement for a batch, each computed
 * from the source tables with index probes (see access-checks.sql.ts).
 */
@Injectable()
export class AccessChecksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @GenerateSql(
    { name: 'by application id', params: [Dummy.tenant, { userId: Dummy.user, applicationId: Dummy.application }] },
    { name: 'by client id', params: [Dummy.tenant, { userId: Dummy.user, clientId: 'app_unknownClientId' }] },
  )
  async check(tenantId: string, pair: AccessCheckPair): Promise<AccessCheckRow> {
    const { rows } = await runSql<AccessCheckRow>(this.dataSource, ACCESS_CHECK_SQL, [
      tenantId,
      pair.userId,
      pair.applicationId ?? null,
      pair.clientId ?? null,
    ]);
    return rows[0];
  }

  /** One row per pair, in the order given. */
  @GenerateSql({
    params: [
      Dummy.tenant,
      [
        { userId: Dummy.user, applicationId: Dummy.application },
        { userId: Dummy.otherUser, clientId: 'app_unknownClientId' },
      ],
    ],
  })
  async checkMany(tenantId: string, pairs: AccessCheckPair[]): Promise<AccessCheckRow[]> {
    const { rows } = await runSql<AccessCheckRow>(this.dataSource, ACCESS_CHECK_BATCH_SQL, [
      tenantId,
      pairs.map((pair) => pair.userId),
      pairs.map((pair) => pair.applicationId ?? null),
      pairs.map((pair) => pair.clientId ?? null),
    ]);
    return rows;
  }
}
