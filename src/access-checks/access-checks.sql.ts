import { TENANT_IS_LIVE } from '../common/database/liveness';

/**
 * The access-check statements, shared by the repository, the benchmark's bare-SQL baseline
 * and the performance guard, so that what is measured is what the service runs. $1 is the
 * tenant, as everywhere.
 *
 * A check is computed from the source tables, exactly as a user's applications are
 * (USER_APPLICATIONS_SQL in src/assignments/assignments.sql.ts), not from the
 * effective-access index, which is incomplete while a large fan-out is rebuilt. Each
 * requested (user, application) pair costs a handful of index probes, whatever the size of
 * the tenant, the application or its groups:
 * - the user, by primary key (and the tenant's liveness, once per statement);
 * - the application, by primary key or by its unique client_id, unless its deletion was
 *   accepted;
 * - the direct assignment, by primary key;
 * - the user's memberships (index on tenant, user), each joined to the group's assignment of
 *   that application (primary key) and to the group (primary key) for its name.
 * A group whose deletion was accepted has given up its assignments at once (groups
 * repository, markDeleted), so it never grants; the join on groups checks it anyway.
 *
 * One row per requested pair, in the order asked: whether the user exists, the application
 * found (NULL: unknown in this tenant), whether it is assigned directly, and the granting
 * groups `[{id, name}]` sorted by name, then id.
 */
function accessCheckSql(requested: string): string {
  // LATERAL ... LIMIT 1: a primary-key probe per requested pair, never a hash of a whole table
  // (which the planner prefers for EXISTS over a batch's rows).
  return `
  SELECT r.position,
         known.hit IS NOT NULL AND ${TENANT_IS_LIVE} AS user_exists,
         app.id::text AS application_id, app.client_id,
         direct.hit IS NOT NULL AS direct,
         coalesce(via.groups, '[]') AS groups
    FROM ${requested}
    LEFT JOIN LATERAL (SELECT true AS hit FROM users u
                        WHERE u.tenant_id = $1 AND u.id = r.user_id
                        LIMIT 1) known ON true
    LEFT JOIN LATERAL (
      SELECT a.id, a.client_id FROM applications a
       WHERE a.tenant_id = $1 AND a.id = r.application_id AND a.deletion_requested_at IS NULL
      UNION ALL
      SELECT a.id, a.client_id FROM applications a
       WHERE a.tenant_id = $1 AND a.client_id = r.client_id AND a.deletion_requested_at IS NULL
      LIMIT 1
    ) app ON true
    LEFT JOIN LATERAL (SELECT true AS hit FROM user_app_assignments ua
                        WHERE ua.tenant_id = $1 AND ua.user_id = r.user_id AND ua.application_id = app.id
                        LIMIT 1) direct ON true
    LEFT JOIN LATERAL (SELECT json_agg(json_build_object('id', g.id, 'name', g.name) ORDER BY g.name, g.id) AS groups
                         FROM group_memberships m
                         JOIN group_app_assignments ga
                           ON ga.tenant_id = m.tenant_id AND ga.group_id = m.group_id AND ga.application_id = app.id
                         JOIN groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.deletion_requested_at IS NULL
                        WHERE m.tenant_id = $1 AND m.user_id = r.user_id) via ON true
   ORDER BY r.position
`;
}

/** $1 tenant, $2 user, $3 application id or NULL, $4 client id or NULL (one of them is given). */
export const ACCESS_CHECK_SQL = accessCheckSql(
  `(SELECT 1 AS position, $2::uuid AS user_id, $3::uuid AS application_id, $4::text AS client_id) AS r`,
);

/**
 * $1 tenant, $2 user ids, $3 application ids, $4 client ids: three arrays of one length,
 * element i being the i-th check (NULL where it names its application the other way).
 */
export const ACCESS_CHECK_BATCH_SQL = accessCheckSql(
  `unnest($2::uuid[], $3::uuid[], $4::text[]) WITH ORDINALITY AS r (user_id, application_id, client_id, position)`,
);
