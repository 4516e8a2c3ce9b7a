import { Injectable } from '@nestjs/common';
import { Dummy, FIRST_PAGE, GenerateSql } from '../common/database/generate-sql';
import { type PageOfRows, selectPage } from '../common/database/pagination';
import { runSql } from '../common/database/run-sql';
import type { Tx } from '../common/database/transaction';
import type { RequestConsistency } from '../common/http/consistency';
import type { PageRequest } from '../common/http/page';
import { ReadRouter } from '../replicas/read-router';

export interface GroupMemberRow {
  user_id: string;
  group_id: string;
  email: string;
  display_name: string;
  status: string;
  added_at: Date;
}

const MEMBER_COLUMNS = `SELECT m.user_id, m.group_id, u.email, u.display_name, u.status, m.added_at
                          FROM group_memberships m
                          JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id`;

@Injectable()
export class GroupMembersRepository {
  constructor(private readonly reads: ReadRouter) {}

  /** One page of a group's members, ordered by email then user id, with the total. */
  @GenerateSql({ params: [Dummy.tenant, Dummy.group, FIRST_PAGE] })
  page(
    tenantId: string,
    groupId: string,
    page: PageRequest,
    consistency?: RequestConsistency,
  ): Promise<PageOfRows<GroupMemberRow>> {
    return selectPage<GroupMemberRow>(
      this.reads.for('lists', consistency),
      {
        rows: `${MEMBER_COLUMNS} WHERE m.tenant_id = $1 AND m.group_id = $2 ORDER BY u.email, u.id`,
        count: `SELECT count(*) AS total FROM group_memberships WHERE tenant_id = $1 AND group_id = $2`,
        parameters: [tenantId, groupId],
      },
      page,
    );
  }

  /**
   * Holds, for the rest of a membership change, the tenant, the group and the user (KEY
   * SHARE: member changes do not wait for each other; the group's deletion and its
   * assignment changes wait for them), and says which of them are there.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.group, Dummy.otherUser, Dummy.tx] })
  async holdForMember(
    tenantId: string,
    groupId: string,
    userId: string,
    tx: Tx,
  ): Promise<{ tenant: boolean; group: boolean; user: boolean }> {
    const { rows } = await runSql<{ tenant: boolean; group: boolean; user: boolean }>(
      tx,
      `SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1 AND deletion_requested_at IS NULL FOR KEY SHARE) AS tenant,
              EXISTS (SELECT 1 FROM groups WHERE tenant_id = $1 AND id = $2 AND deletion_requested_at IS NULL FOR KEY SHARE) AS group,
              EXISTS (SELECT 1 FROM users WHERE tenant_id = $1 AND id = $3 FOR KEY SHARE) AS user`,
      [tenantId, groupId, userId],
    );
    return rows[0];
  }

  /**
   * Inserts the membership and returns it as a member; undefined when it already existed.
   * A user or group that does not exist fails the foreign key.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.group, Dummy.otherUser, Dummy.tx] })
  async add(tenantId: string, groupId: string, userId: string, tx: Tx): Promise<GroupMemberRow | undefined> {
    const { rows } = await runSql<GroupMemberRow>(
      tx,
      `WITH added AS (
         INSERT INTO group_memberships (tenant_id, group_id, user_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING
         RETURNING tenant_id, group_id, user_id, added_at
       )
       SELECT m.user_id, m.group_id, u.email, u.display_name, u.status, m.added_at
         FROM added m JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id`,
      [tenantId, groupId, userId],
    );
    return rows[0];
  }

  /** Deletes the membership; false when there was none (or its group is being deleted). */
  @GenerateSql({ params: [Dummy.tenant, Dummy.group, Dummy.user, Dummy.tx] })
  async remove(tenantId: string, groupId: string, userId: string, tx: Tx): Promise<boolean> {
    const { affected } = await runSql(
      tx,
      `DELETE FROM group_memberships m
        WHERE m.tenant_id = $1 AND m.group_id = $2 AND m.user_id = $3
          AND EXISTS (SELECT 1 FROM groups g WHERE g.tenant_id = $1 AND g.id = $2 AND g.deletion_requested_at IS NULL)`,
      [tenantId, groupId, userId],
    );
    return affected === 1;
  }
}
