import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql } from '../common/database/run-sql';
import { offsetOf, PageRequest } from '../common/http/page';

export interface GroupMemberRow {
  user_id: string;
  group_id: string;
  email: string;
  display_name: string;
  status: string;
  added_at: Date;
}

@Injectable()
export class GroupMembersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One page of a group's members, ordered by email then user id, with the total. */
  async page(tenantId: string, groupId: string, page: PageRequest): Promise<{ rows: GroupMemberRow[]; total: number }> {
    const [members, count] = await Promise.all([
      runSql<GroupMemberRow>(
        this.dataSource,
        `SELECT m.user_id, m.group_id, u.email, u.display_name, u.status, m.added_at
           FROM group_memberships m
           JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
          WHERE m.tenant_id = $1 AND m.group_id = $2
          ORDER BY u.email, u.id
          LIMIT $3 OFFSET $4`,
        [tenantId, groupId, page.perPage, offsetOf(page)],
      ),
      runSql<{ total: string }>(
        this.dataSource,
        `SELECT count(*) AS total FROM group_memberships WHERE tenant_id = $1 AND group_id = $2`,
        [tenantId, groupId],
      ),
    ]);
    return { rows: members.rows, total: Number(count.rows[0].total) };
  }

  async find(tenantId: string, groupId: string, userId: string, manager: EntityManager): Promise<GroupMemberRow | undefined> {
    const { rows } = await runSql<GroupMemberRow>(
      manager,
      `SELECT m.user_id, m.group_id, u.email, u.display_name, u.status, m.added_at
         FROM group_memberships m
         JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
        WHERE m.tenant_id = $1 AND m.group_id = $2 AND m.user_id = $3`,
      [tenantId, groupId, userId],
    );
    return rows[0];
  }

  /** Inserts the membership; false when it already existed. */
  async add(tenantId: string, groupId: string, userId: string, manager: EntityManager): Promise<boolean> {
    const { affected } = await runSql(
      manager,
      `INSERT INTO group_memberships (tenant_id, group_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [tenantId, groupId, userId],
    );
    return affected === 1;
  }

  /** Deletes the membership; false when there was none. */
  async remove(tenantId: string, groupId: string, userId: string, manager: EntityManager): Promise<boolean> {
    const { affected } = await runSql(
      manager,
      `DELETE FROM group_memberships WHERE tenant_id = $1 AND group_id = $2 AND user_id = $3`,
      [tenantId, groupId, userId],
    );
    return affected === 1;
  }
}
