import { EFFECTIVE_USER_DETAILS } from '../assignments/assignments.sql';

/**
 * The effective-access index's read statements, shared by the repository, the benchmark's
 * bare-SQL baseline and the EXPLAIN report. Every statement filters on tenant_id ($1).
 */

/**
 * $1 tenant, $2 application: how many users can use it (the state's count plus the deltas
 * not folded yet), and whether its rows are being rebuilt. No row: no such application.
 */
export const EFFECTIVE_ACCESS_STATE_SQL = `
  SELECT s.user_count + coalesce((SELECT sum(d.delta) FROM effective_access_count_deltas d
                                   WHERE d.tenant_id = $1 AND d.application_id = $2), 0) AS user_count,
         s.rebuild_requested_at IS NOT NULL AS rebuilding
    FROM effective_access_state s
   WHERE s.tenant_id = $1 AND s.application_id = $2
`;

/**
 * $1 tenant, $2 application, $3 limit, $4 offset: one page of its users in (email, id)
 * order, located in the index alone before any user row is read.
 */
export const EFFECTIVE_USERS_PAGE_FROM_INDEX_SQL = `
  WITH ids AS (
    SELECT e.user_id FROM effective_access e
     WHERE e.tenant_id = $1 AND e.application_id = $2
     ORDER BY e.email, e.user_id
     LIMIT $3 OFFSET $4
  ), page AS (
    SELECT u.id, u.email, u.display_name, u.status
      FROM ids JOIN users u ON u.tenant_id = $1 AND u.id = ids.user_id
  )
${EFFECTIVE_USER_DETAILS}`;

/**
 * The same page counted from the end: $4 is the number of users after it. A page past the
 * middle walks the shorter half of the index.
 */
export const EFFECTIVE_USERS_PAGE_FROM_INDEX_END_SQL = `
  WITH ids AS (
    SELECT e.user_id FROM effective_access e
     WHERE e.tenant_id = $1 AND e.application_id = $2
     ORDER BY e.email DESC, e.user_id DESC
     LIMIT $3 OFFSET $4
  ), page AS (
    SELECT u.id, u.email, u.display_name, u.status
      FROM ids JOIN users u ON u.tenant_id = $1 AND u.id = ids.user_id
  )
${EFFECTIVE_USER_DETAILS}`;
