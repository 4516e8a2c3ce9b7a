import { Injectable } from '@nestjs/common';
import { Dummy, GenerateSql } from '../common/database/generate-sql';
import { runSql } from '../common/database/run-sql';
import type { Tx } from '../common/database/transaction';

@Injectable()
export class TenantLockRepository {
  /**
   * Holds the tenant for the rest of the write (KEY SHARE: writes do not wait for each
   * other, a deletion waits for them) and says whether it exists and is not being deleted.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.tx] })
  async lockLive(tenantId: string, tx: Tx): Promise<boolean> {
    const { rows } = await runSql(tx, `SELECT 1 FROM tenants WHERE id = $1 AND deletion_requested_at IS NULL FOR KEY SHARE`, [
      tenantId,
    ]);
    return rows.length > 0;
  }
}
