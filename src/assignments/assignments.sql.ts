import { TENANT_IS_LIVE } from '../common/database/liveness';

/**
 * The App Assignments read statements, shared by the repository, the benchmark's bare-SQL
 * baseline and the EXPLAIN report, so that what is measured is what the service runs.
 * Every statement filters on tenant_id ($1).
 */

/**
 * The list reads answer in one statement whether their user, group or application exists:
 * no row when it does not, a row of NULLs when it exists with nothing assigned.
 */

/** $1 tenant, $2 user, $3 include group assignments. A direct assignment wins; else the oldest group assignment (ties: smallest group id). */
export const USER_APPLICATIONS_SQL = `
  WITH reachable AS (
    SELECT ua.application_id, ua.assigned_at, 'direct' AS assignment_type, NULL::uuid AS assigned_via, 0 AS precedence
      FROM user_app_assignments ua
     WHERE ua.tenant_id = $1 AND ua.user_id = $2
    UNION ALL
    SELECT ga.application_id, ga.assigned_at, 'group', ga.group_id, 1
      FROM group_memberships m
      JOIN group_app_assignments ga ON ga.tenant_id = m.tenant_id AND ga.group_id = m.group_id
     WHERE m.tenant_id = $1 AND m.user_id = $2 AND $3::boolean
  ), chosen AS (
    SELECT DISTINCT ON (application_id) application_id, assigned_at, assignment_type, assigned_via
      FROM reachable
     ORDER BY application_id, precedence, assigned_at, assigned_via
  )
  SELECT a.id AS application_id, a.name AS application_name, a.client_id AS application_client_id,
         c.assigned_at, c.assignment_type, c.assigned_via::text AS assigned_via
    FROM (SELECT 1 FROM users u WHERE u.tenant_id = $1 AND u.id = $2 AND ${TENANT_IS_LIVE}) AS target
    LEFT JOIN (chosen c JOIN applications a ON a.tenant_id = $1 AND a.id = c.application_id AND a.deletion_requested_at IS NULL) ON true
   ORDER BY a.name, a.id
`;

/** $1 tenant, $2 group. */
export const GROUP_APPLICATIONS_SQL = `
  SELECT a.id AS application_id, a.name AS application_name, a.client_id AS application_client_id,
         ga.assigned_at, 'group' AS assignment_type, ga.group_id::text AS assigned_via
    FROM (SELECT 1 FROM groups g WHERE g.tenant_id = $1 AND g.id = $2 AND g.deletion_requested_at IS NULL AND ${TENANT_IS_LIVE}) AS target
    LEFT JOIN (group_app_assignments ga
               JOIN applications a ON a.tenant_id = ga.tenant_id AND a.id = ga.application_id AND a.deletion_requested_at IS NULL)
      ON ga.tenant_id = $1 AND ga.group_id = $2
   ORDER BY a.name, a.id
`;

/** $1 tenant, $2 application: direct users and groups, oldest assignment first, ties by id. */
export const ASSIGNEES_SQL = `
  SELECT EXISTS (SELECT 1 FROM applications a WHERE a.tenant_id = $1 AND a.id = $2 AND a.deletion_requested_at IS NULL AND ${TENANT_IS_LIVE}) AS application_exists,
         ARRAY(SELECT ua.user_id::text FROM user_app_assignments ua
                WHERE ua.tenant_id = $1 AND ua.application_id = $2
                ORDER BY ua.assigned_at, ua.user_id) AS users,
         ARRAY(SELECT ga.group_id::text FROM group_app_assignments ga
                WHERE ga.tenant_id = $1 AND ga.application_id = $2
                ORDER BY ga.assigned_at, ga.group_id) AS groups
`;

/**
 * $1 tenant, $2 application: what the effective users of an application are made of, for
 * choosing how to count and page them: whether the application exists, how many users it
 * has directly, its groups by size (counted; largest first) and the tenant's number of
 * users (maintained user_count). The live plan runs only while the application's index
 * rows are rebuilt.
 */
export const EFFECTIVE_USERS_SOURCES_SQL = `
  SELECT EXISTS (SELECT 1 FROM applications a WHERE a.tenant_id = $1 AND a.id = $2 AND a.deletion_requested_at IS NULL AND ${TENANT_IS_LIVE}) AS application_exists,
         (SELECT t.user_count FROM tenants t WHERE t.id = $1) AS tenant_users,
         (SELECT count(*) FROM user_app_assignments ua WHERE ua.tenant_id = $1 AND ua.application_id = $2) AS direct_users,
         coalesce((SELECT json_agg(json_build_object('group_id', sized.group_id, 'members', sized.members)
                                   ORDER BY sized.members DESC, sized.group_id)
                     FROM (SELECT ga.group_id,
                                  (SELECT count(*) FROM group_memberships m
                                    WHERE m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id) AS members
                             FROM group_app_assignments ga
                            WHERE ga.tenant_id = $1 AND ga.application_id = $2) AS sized), '[]') AS groups
`;

/** $1 tenant, $2 application: distinct users reached directly or through any group, by deduplicating them all. */
export const EFFECTIVE_USERS_COUNT_BY_UNION_SQL = `
  SELECT count(*) AS total FROM (
    SELECT ua.user_id FROM user_app_assignments ua
     WHERE ua.tenant_id = $1 AND ua.application_id = $2
    UNION
    SELECT m.user_id FROM group_app_assignments ga
      JOIN group_memberships m ON m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id
     WHERE ga.tenant_id = $1 AND ga.application_id = $2
  ) reachable
`;

/**
 * $1 tenant, $2 application, $3 its largest group: the users reached directly or through
 * the other groups who are not in the largest group. With the largest group's size (from
 * the sources statement) this is the exact total: one probe per user of the smaller sources.
 */
export const EFFECTIVE_USERS_BESIDE_LARGEST_GROUP_SQL = `
  SELECT count(*) AS total FROM (
    SELECT ua.user_id FROM user_app_assignments ua
     WHERE ua.tenant_id = $1 AND ua.application_id = $2
    UNION
    SELECT m.user_id FROM group_app_assignments ga
      JOIN group_memberships m ON m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id
     WHERE ga.tenant_id = $1 AND ga.application_id = $2 AND ga.group_id <> $3
  ) others
  LEFT JOIN LATERAL (SELECT true AS hit FROM group_memberships x
                      WHERE x.tenant_id = $1 AND x.group_id = $3 AND x.user_id = others.user_id
                      LIMIT 1) largest ON true
  WHERE largest.hit IS NULL
`;

// The per-user details of one page of effective users (the CTE named page, in order).
export const EFFECTIVE_USER_DETAILS = `
  SELECT p.id::text AS user_id, p.email, p.display_name, p.status,
         EXISTS (SELECT 1 FROM user_app_assignments ua
                  WHERE ua.tenant_id = $1 AND ua.user_id = p.id AND ua.application_id = $2) AS direct,
         ARRAY(SELECT m.group_id::text
                 FROM group_memberships m
                 JOIN group_app_assignments ga
                   ON ga.tenant_id = m.tenant_id AND ga.group_id = m.group_id AND ga.application_id = $2
                WHERE m.tenant_id = $1 AND m.user_id = p.id
                ORDER BY m.group_id) AS via_groups
    FROM page p
   ORDER BY p.email, p.id
`;

/**
 * $1 tenant, $2 application, $3 limit, $4 offset. One page by collecting everyone who can
 * reach the application, then sorting: cost grows with the number of effective users.
 * For applications few users reach.
 */
export const EFFECTIVE_USERS_PAGE_BY_COLLECTING_SQL = `
  WITH reachable AS (
    SELECT ua.user_id FROM user_app_assignments ua
     WHERE ua.tenant_id = $1 AND ua.application_id = $2
    UNION
    SELECT m.user_id FROM group_app_assignments ga
      JOIN group_memberships m ON m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id
     WHERE ga.tenant_id = $1 AND ga.application_id = $2
  ), page AS (
    SELECT u.id, u.email, u.display_name, u.status
      FROM reachable r
      -- LIMIT 1 keeps this a primary-key probe per reachable user, never a scan of all users.
      CROSS JOIN LATERAL (SELECT * FROM users u WHERE u.tenant_id = $1 AND u.id = r.user_id LIMIT 1) u
     ORDER BY u.email, u.id
     LIMIT $3 OFFSET $4
  )
${EFFECTIVE_USER_DETAILS}`;

/**
 * $1 tenant, $2 application, $3 limit, $4 offset. One page by walking the tenant's users
 * in (email, id) index order and keeping those with access (one probe each): cost grows
 * with how deep the page is and how sparse access is. For applications most users reach.
 * The LATERAL ... LIMIT 1 probes keep PostgreSQL from hashing a million memberships first.
 */
export const EFFECTIVE_USERS_PAGE_BY_WALKING_SQL = `
  WITH assigned AS (
    SELECT ARRAY(SELECT ga.group_id FROM group_app_assignments ga
                  WHERE ga.tenant_id = $1 AND ga.application_id = $2) AS group_ids
  ), page AS (
    SELECT u.id, u.email, u.display_name, u.status
      FROM assigned, users u
      LEFT JOIN LATERAL (SELECT true AS hit FROM user_app_assignments ua
                          WHERE ua.tenant_id = $1 AND ua.user_id = u.id AND ua.application_id = $2
                          LIMIT 1) direct ON true
      LEFT JOIN LATERAL (SELECT true AS hit FROM group_memberships m
                          WHERE m.tenant_id = $1 AND m.user_id = u.id AND m.group_id = ANY (assigned.group_ids)
                          LIMIT 1) via_group ON direct.hit IS NULL
     WHERE u.tenant_id = $1 AND (direct.hit OR via_group.hit)
     ORDER BY u.email, u.id
     LIMIT $3 OFFSET $4
  )
${EFFECTIVE_USER_DETAILS}`;

/**
 * $1 tenant, $2 application, $3 limit, $4 offset. One page when every user of the tenant
 * can use the application (a group holds them all): the page of the tenant's users,
 * located in the (email, id) index alone before any row is read.
 */
export const EFFECTIVE_USERS_PAGE_OF_ALL_USERS_SQL = `
  WITH ids AS (
    SELECT u.id FROM users u WHERE u.tenant_id = $1 ORDER BY u.email, u.id LIMIT $3 OFFSET $4
  ), page AS (
    SELECT u.id, u.email, u.display_name, u.status
      FROM ids JOIN users u ON u.tenant_id = $1 AND u.id = ids.id
  )
${EFFECTIVE_USER_DETAILS}`;
