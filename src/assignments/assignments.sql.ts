/**
 * The App Assignments read statements, shared by the repository, the benchmark's bare-SQL
 * baseline and the EXPLAIN report, so that what is measured is what the service runs.
 * Every statement filters on tenant_id ($1).
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
    FROM chosen c
    JOIN applications a ON a.tenant_id = $1 AND a.id = c.application_id
   ORDER BY a.name, a.id
`;

/** $1 tenant, $2 group. */
export const GROUP_APPLICATIONS_SQL = `
  SELECT a.id AS application_id, a.name AS application_name, a.client_id AS application_client_id,
         ga.assigned_at, 'group' AS assignment_type, ga.group_id::text AS assigned_via
    FROM group_app_assignments ga
    JOIN applications a ON a.tenant_id = ga.tenant_id AND a.id = ga.application_id
   WHERE ga.tenant_id = $1 AND ga.group_id = $2
   ORDER BY a.name, a.id
`;

/** $1 tenant, $2 application: direct users and groups, oldest assignment first, ties by id. */
export const ASSIGNEES_SQL = `
  SELECT ARRAY(SELECT ua.user_id::text FROM user_app_assignments ua
                WHERE ua.tenant_id = $1 AND ua.application_id = $2
                ORDER BY ua.assigned_at, ua.user_id) AS users,
         ARRAY(SELECT ga.group_id::text FROM group_app_assignments ga
                WHERE ga.tenant_id = $1 AND ga.application_id = $2
                ORDER BY ga.assigned_at, ga.group_id) AS groups
`;

/** $1 tenant, $2 application, $3 limit, $4 offset. The page is chosen first; details are computed for its users only. */
export const EFFECTIVE_USERS_PAGE_SQL = `
  WITH page AS (
    SELECT u.id, u.email, u.display_name, u.status
      FROM users u
     WHERE u.tenant_id = $1
       AND u.id IN (SELECT ua.user_id FROM user_app_assignments ua
                     WHERE ua.tenant_id = $1 AND ua.application_id = $2
                    UNION
                    SELECT m.user_id FROM group_app_assignments ga
                      JOIN group_memberships m ON m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id
                     WHERE ga.tenant_id = $1 AND ga.application_id = $2)
     ORDER BY u.email, u.id
     LIMIT $3 OFFSET $4
  )
  SELECT p.id::text AS user_id, p.email, p.display_name, p.status,
         EXISTS (SELECT 1 FROM user_app_assignments ua
                  WHERE ua.tenant_id = $1 AND ua.application_id = $2 AND ua.user_id = p.id) AS direct,
         ARRAY(SELECT m.group_id::text
                 FROM group_memberships m
                 JOIN group_app_assignments ga
                   ON ga.tenant_id = m.tenant_id AND ga.group_id = m.group_id AND ga.application_id = $2
                WHERE m.tenant_id = $1 AND m.user_id = p.id
                ORDER BY m.group_id) AS via_groups
    FROM page p
   ORDER BY p.email, p.id
`;

/** $1 tenant, $2 application: distinct users reached directly or through any group. */
export const EFFECTIVE_USERS_COUNT_SQL = `
  SELECT count(*) AS total FROM (
    SELECT ua.user_id FROM user_app_assignments ua
     WHERE ua.tenant_id = $1 AND ua.application_id = $2
    UNION
    SELECT m.user_id FROM group_app_assignments ga
      JOIN group_memberships m ON m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id
     WHERE ga.tenant_id = $1 AND ga.application_id = $2
  ) reachable
`;
