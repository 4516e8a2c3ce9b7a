import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The effective-access index (README, "How effective users stay exact and fast"): a row per
 * (application, user who can use it) with the number of ways the user reaches it, a count
 * per application, and triggers that keep both exact in the transaction of every change:
 * direct and group assignments, memberships, users' emails (the sort key), and deletions of
 * users, groups and applications (cascades included).
 *
 * A change that would touch more index rows than `inline_fanout_limit` (assigning an
 * application to a group of 400,000 members) is not expanded in the request: it marks the
 * application for a rebuild, which a background worker does in batches
 * (effective_access_rebuild_next()), and reads of that application use the live plan until
 * the rebuild is done. Every change of an application's index rows, and every rebuild
 * batch, first locks the application's effective_access_state row, so they take turns; a
 * change during a rebuild applies to the users the rebuild has passed and leaves the others
 * to it.
 *
 * Existing applications are marked for a rebuild here; the next migration
 * (EffectiveAccessFill) runs it, batch by batch, and reports how far it is.
 */
export class EffectiveAccessIndex1796227773891 implements MigrationInterface {
  name = 'EffectiveAccessIndex1796227773891';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Derived rows, updated in place when a path count changes: room on each page keeps those updates HOT.
    await queryRunner.query(
      `CREATE TABLE "effective_access" ("tenant_id" uuid NOT NULL, "application_id" uuid NOT NULL, "user_id" uuid NOT NULL, "email" character varying(320) NOT NULL, "direct" boolean NOT NULL, "group_paths" integer NOT NULL, CONSTRAINT "ck_effective_access_group_paths" CHECK ("group_paths" >= 0), CONSTRAINT "pk_effective_access" PRIMARY KEY ("tenant_id", "application_id", "user_id")) WITH (fillfactor = 80)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_effective_access_page" ON "effective_access"  ("tenant_id", "application_id", "email", "user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "effective_access_settings" ("singleton" boolean NOT NULL DEFAULT true, "inline_fanout_limit" integer NOT NULL DEFAULT '5000', "rebuild_batch_rows" integer NOT NULL DEFAULT '20000', CONSTRAINT "ck_effective_access_settings_limits" CHECK ("inline_fanout_limit" >= 0 AND "rebuild_batch_rows" > 0), CONSTRAINT "ck_effective_access_settings_singleton" CHECK ("singleton"), CONSTRAINT "pk_effective_access_settings" PRIMARY KEY ("singleton"))`,
    );
    await queryRunner.query(`INSERT INTO "effective_access_settings" DEFAULT VALUES`);
    await queryRunner.query(
      `CREATE TABLE "effective_access_state" ("tenant_id" uuid NOT NULL, "application_id" uuid NOT NULL, "user_count" bigint NOT NULL DEFAULT '0', "rebuild_requested_at" TIMESTAMP WITH TIME ZONE, "rebuild_cursor" uuid, "rebuild_batch_users" bigint, CONSTRAINT "pk_effective_access_state" PRIMARY KEY ("tenant_id", "application_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_effective_access_state_rebuild" ON "effective_access_state"  ("rebuild_requested_at") WHERE "rebuild_requested_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "effective_access_count_deltas" ("tenant_id" uuid NOT NULL, "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "application_id" uuid NOT NULL, "delta" integer NOT NULL, CONSTRAINT "pk_effective_access_count_deltas" PRIMARY KEY ("tenant_id", "id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_effective_access_count_deltas_application" ON "effective_access_count_deltas"  ("tenant_id", "application_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "effective_access_state" ADD CONSTRAINT "fk_effective_access_state_application" FOREIGN KEY ("tenant_id", "application_id") REFERENCES "applications"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    for (const statement of FUNCTIONS_AND_TRIGGERS) await queryRunner.query(statement);

    // Every existing application starts as "being rebuilt": exact through the live plan until filled.
    await queryRunner.query(
      `INSERT INTO effective_access_state (tenant_id, application_id, rebuild_requested_at)
       SELECT tenant_id, id, clock_timestamp() FROM applications`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DROP_FUNCTIONS_AND_TRIGGERS) await queryRunner.query(statement);
    await queryRunner.query(`ALTER TABLE "effective_access_state" DROP CONSTRAINT "fk_effective_access_state_application"`);
    await queryRunner.query(`DROP INDEX "public"."ix_effective_access_state_rebuild"`);
    await queryRunner.query(`DROP INDEX "public"."ix_effective_access_count_deltas_application"`);
    await queryRunner.query(`DROP TABLE "effective_access_count_deltas"`);
    await queryRunner.query(`DROP TABLE "effective_access_state"`);
    await queryRunner.query(`DROP TABLE "effective_access_settings"`);
    await queryRunner.query(`DROP INDEX "public"."ix_effective_access_page"`);
    await queryRunner.query(`DROP TABLE "effective_access"`);
  }
}

const FUNCTIONS_AND_TRIGGERS = [
  /*
   * The locks that order changes, rebuild batches and deletions of one application, or one
   * group, are advisory (nothing is written for them): a change holds its applications
   * shared, so changes run side by side, and a rebuild batch or the application's deletion
   * holds it exclusively, so they wait for the changes in flight and the changes for them.
   * Taken in key order by every caller.
   */
  `CREATE FUNCTION effective_access_application_key(p_tenant uuid, p_application uuid) RETURNS bigint
   LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT hashtextextended('application:' || p_tenant::text || ':' || p_application::text, 0) $$`,
  `CREATE FUNCTION effective_access_group_key(p_tenant uuid, p_group uuid) RETURNS bigint
   LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT hashtextextended('group:' || p_tenant::text || ':' || p_group::text, 0) $$`,
  `CREATE FUNCTION effective_access_lock(p_tenants uuid[], p_applications uuid[]) RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM pg_advisory_xact_lock_shared(k)
        FROM (SELECT DISTINCT effective_access_application_key(t, a) AS k FROM unnest(p_tenants, p_applications) AS x(t, a) ORDER BY 1) AS keys;
   END $$`,

  /*
   * The groups whose members or assignments a change reads: membership changes and email
   * changes hold them shared, an assignment change of the group exclusively, so that a
   * membership change and an assignment of the same group each see the other's rows.
   */
  `CREATE FUNCTION effective_access_lock_groups(p_tenants uuid[], p_groups uuid[], p_exclusive boolean) RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     IF p_exclusive THEN
       PERFORM pg_advisory_xact_lock(k)
          FROM (SELECT DISTINCT effective_access_group_key(t, g) AS k FROM unnest(p_tenants, p_groups) AS x(t, g) ORDER BY 1) AS keys;
     ELSE
       PERFORM pg_advisory_xact_lock_shared(k)
          FROM (SELECT DISTINCT effective_access_group_key(t, g) AS k FROM unnest(p_tenants, p_groups) AS x(t, g) ORDER BY 1) AS keys;
     END IF;
   END $$`,

  // Marks applications for a rebuild from the first user; one already being rebuilt starts over (keeping its place in the queue).
  `CREATE FUNCTION effective_access_request_rebuild(p_tenants uuid[], p_applications uuid[]) RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM effective_access_lock(p_tenants, p_applications);
     UPDATE effective_access_state s
        SET rebuild_requested_at = coalesce(s.rebuild_requested_at, clock_timestamp()), rebuild_cursor = NULL,
            rebuild_batch_users = NULL
      WHERE (s.tenant_id, s.application_id) IN (SELECT t, a FROM unnest(p_tenants, p_applications) AS x(t, a));
   END $$`,

  /*
   * Adds paths: per (tenant, application, user), a direct assignment and/or a number of group
   * paths. Applications whose state row is gone (being deleted) are left alone; users past
   * the cursor of a rebuild are left to it; an application with more changes than the inline
   * limit is rebuilt instead. Runs in every assignment's transaction: one statement in the
   * common case, the others only when a change is large.
   */
  `CREATE FUNCTION effective_access_add(p_tenants uuid[], p_applications uuid[], p_users uuid[], p_direct boolean[], p_paths integer[])
   RETURNS void LANGUAGE plpgsql AS $$
   DECLARE
     v_limit integer;
   BEGIN
     IF p_users IS NULL THEN RETURN; END IF;
     PERFORM effective_access_lock(p_tenants, p_applications);
     IF cardinality(p_users) > 1 THEN
       v_limit := (SELECT inline_fanout_limit FROM effective_access_settings);
       IF cardinality(p_users) > v_limit THEN
         PERFORM effective_access_request_rebuild(array_agg(t), array_agg(a))
            FROM (SELECT t, a FROM unnest(p_tenants, p_applications) AS x(t, a) GROUP BY t, a HAVING count(*) > v_limit) AS large;
       END IF;
     END IF;
     WITH changes AS (
       SELECT t AS tenant_id, a AS application_id, u AS user_id, bool_or(direct) AS direct, sum(paths)::integer AS paths
         FROM unnest(p_tenants, p_applications, p_users, p_direct, p_paths) AS x(t, a, u, direct, paths)
        GROUP BY t, a, u
     ), applicable AS (
       SELECT c.* FROM changes c
         JOIN effective_access_state s ON s.tenant_id = c.tenant_id AND s.application_id = c.application_id
        WHERE s.rebuild_requested_at IS NULL OR c.user_id <= s.rebuild_cursor
     ), added AS (
       INSERT INTO effective_access AS e (tenant_id, application_id, user_id, email, direct, group_paths)
       SELECT c.tenant_id, c.application_id, c.user_id, u.email, c.direct, c.paths
         FROM applicable c JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.user_id
       ON CONFLICT (tenant_id, application_id, user_id) DO UPDATE
          SET direct = e.direct OR excluded.direct, group_paths = e.group_paths + excluded.group_paths
       RETURNING e.tenant_id, e.application_id, (e.xmax = 0) AS inserted
     )
     INSERT INTO effective_access_count_deltas (tenant_id, application_id, delta)
     SELECT tenant_id, application_id, count(*) FROM added WHERE inserted GROUP BY tenant_id, application_id;
   END $$`,

  // Removes paths (the same shape; p_direct: the direct assignment goes). A row left with no path is deleted.
  `CREATE FUNCTION effective_access_remove(p_tenants uuid[], p_applications uuid[], p_users uuid[], p_direct boolean[], p_paths integer[])
   RETURNS void LANGUAGE plpgsql AS $$
   DECLARE
     v_limit integer;
   BEGIN
     IF p_users IS NULL THEN RETURN; END IF;
     PERFORM effective_access_lock(p_tenants, p_applications);
     IF cardinality(p_users) > 1 THEN
       v_limit := (SELECT inline_fanout_limit FROM effective_access_settings);
       IF cardinality(p_users) > v_limit THEN
         PERFORM effective_access_request_rebuild(array_agg(t), array_agg(a))
            FROM (SELECT t, a FROM unnest(p_tenants, p_applications) AS x(t, a) GROUP BY t, a HAVING count(*) > v_limit) AS large;
       END IF;
     END IF;
     -- Relative to the row's latest version (other changes may be adding paths to it at the
     -- same time); the row stays locked until the end of the transaction. Then the rows left
     -- with no path go.
     WITH changes AS (
       SELECT t AS tenant_id, a AS application_id, u AS user_id, bool_or(direct) AS direct, sum(paths)::integer AS paths
         FROM unnest(p_tenants, p_applications, p_users, p_direct, p_paths) AS x(t, a, u, direct, paths)
        GROUP BY t, a, u
     )
     UPDATE effective_access e SET direct = e.direct AND NOT c.direct, group_paths = greatest(e.group_paths - c.paths, 0)
       FROM changes c
       JOIN effective_access_state s ON s.tenant_id = c.tenant_id AND s.application_id = c.application_id
      WHERE e.tenant_id = c.tenant_id AND e.application_id = c.application_id AND e.user_id = c.user_id
        AND (s.rebuild_requested_at IS NULL OR c.user_id <= s.rebuild_cursor);
     WITH removed AS (
       DELETE FROM effective_access e
        USING unnest(p_tenants, p_applications, p_users) AS c(tenant_id, application_id, user_id)
        WHERE e.tenant_id = c.tenant_id AND e.application_id = c.application_id AND e.user_id = c.user_id
          AND NOT e.direct AND e.group_paths = 0
       RETURNING e.tenant_id, e.application_id
     )
     INSERT INTO effective_access_count_deltas (tenant_id, application_id, delta)
     SELECT tenant_id, application_id, -count(*) FROM removed GROUP BY tenant_id, application_id;
   END $$`,

  /*
   * A direct assignment, row by row (the common change is one row: a statement-level
   * trigger's transition table cost more than the change itself): the user's row gains
   * `direct`, or is created; the count gains a delta when it is.
   */
  `CREATE FUNCTION effective_access_direct_assigned() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     v_inserted boolean;
   BEGIN
     PERFORM pg_advisory_xact_lock_shared(effective_access_application_key(NEW.tenant_id, NEW.application_id));
     INSERT INTO effective_access AS e (tenant_id, application_id, user_id, email, direct, group_paths)
     SELECT NEW.tenant_id, NEW.application_id, NEW.user_id, u.email, true, 0
       FROM users u, effective_access_state s
      WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.user_id
        AND s.tenant_id = NEW.tenant_id AND s.application_id = NEW.application_id
        AND (s.rebuild_requested_at IS NULL OR NEW.user_id <= s.rebuild_cursor)
     ON CONFLICT (tenant_id, application_id, user_id) DO UPDATE SET direct = true
     RETURNING (e.xmax = 0) INTO v_inserted;
     IF v_inserted THEN
       INSERT INTO effective_access_count_deltas (tenant_id, application_id, delta) VALUES (NEW.tenant_id, NEW.application_id, 1);
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER effective_access_direct_assigned AFTER INSERT ON user_app_assignments
     FOR EACH ROW EXECUTE FUNCTION effective_access_direct_assigned()`,

  // A direct assignment removed: the row loses `direct` (relative to its latest version), and goes if no path is left.
  `CREATE FUNCTION effective_access_direct_unassigned() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     v_paths integer;
   BEGIN
     PERFORM pg_advisory_xact_lock_shared(effective_access_application_key(OLD.tenant_id, OLD.application_id));
     UPDATE effective_access e SET direct = false
       FROM effective_access_state s
      WHERE e.tenant_id = OLD.tenant_id AND e.application_id = OLD.application_id AND e.user_id = OLD.user_id
        AND s.tenant_id = OLD.tenant_id AND s.application_id = OLD.application_id
        AND (s.rebuild_requested_at IS NULL OR OLD.user_id <= s.rebuild_cursor)
     RETURNING e.group_paths INTO v_paths;
     IF v_paths = 0 THEN
       DELETE FROM effective_access e
        WHERE e.tenant_id = OLD.tenant_id AND e.application_id = OLD.application_id AND e.user_id = OLD.user_id
          AND NOT e.direct AND e.group_paths = 0;
       IF FOUND THEN
         INSERT INTO effective_access_count_deltas (tenant_id, application_id, delta) VALUES (OLD.tenant_id, OLD.application_id, -1);
       END IF;
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER effective_access_direct_unassigned AFTER DELETE ON user_app_assignments
     FOR EACH ROW EXECUTE FUNCTION effective_access_direct_unassigned()`,

  // A group assigned or unassigned: one path for each member, or a rebuild when the group is large.
  `CREATE FUNCTION effective_access_group_assignment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     v_limit integer := (SELECT inline_fanout_limit FROM effective_access_settings);
     v_large_tenants uuid[];
     v_large_groups uuid[];
     v_tenants uuid[];
     v_applications uuid[];
     v_users uuid[];
   BEGIN
     PERFORM effective_access_lock_groups(array_agg(tenant_id), array_agg(group_id), true) FROM changed_rows;
     PERFORM effective_access_lock(array_agg(tenant_id), array_agg(application_id)) FROM changed_rows;
     -- The groups with more members than the limit, counted no further than that: rebuilt instead.
     SELECT array_agg(large.tenant_id), array_agg(large.group_id) INTO v_large_tenants, v_large_groups
       FROM (SELECT DISTINCT c.tenant_id, c.group_id FROM changed_rows c
              WHERE (SELECT count(*) FROM (SELECT 1 FROM group_memberships m
                                            WHERE m.tenant_id = c.tenant_id AND m.group_id = c.group_id
                                            LIMIT v_limit + 1) AS bounded) > v_limit) AS large;
     PERFORM effective_access_request_rebuild(array_agg(c.tenant_id), array_agg(c.application_id))
        FROM changed_rows c
       WHERE (c.tenant_id, c.group_id) IN (SELECT t, g FROM unnest(v_large_tenants, v_large_groups) AS x(t, g));
     SELECT array_agg(c.tenant_id), array_agg(c.application_id), array_agg(m.user_id) INTO v_tenants, v_applications, v_users
       FROM changed_rows c
       JOIN effective_access_state s ON s.tenant_id = c.tenant_id AND s.application_id = c.application_id
       JOIN group_memberships m ON m.tenant_id = c.tenant_id AND m.group_id = c.group_id
      WHERE (c.tenant_id, c.group_id) NOT IN (SELECT t, g FROM unnest(v_large_tenants, v_large_groups) AS x(t, g));
     IF v_users IS NULL THEN RETURN NULL; END IF;
     IF TG_OP = 'INSERT' THEN
       PERFORM effective_access_add(v_tenants, v_applications, v_users, array_fill(false, ARRAY[cardinality(v_users)]), array_fill(1, ARRAY[cardinality(v_users)]));
     ELSE
       PERFORM effective_access_remove(v_tenants, v_applications, v_users, array_fill(false, ARRAY[cardinality(v_users)]), array_fill(1, ARRAY[cardinality(v_users)]));
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER effective_access_group_assigned AFTER INSERT ON group_app_assignments
     REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION effective_access_group_assignment_changed()`,
  `CREATE TRIGGER effective_access_group_unassigned AFTER DELETE ON group_app_assignments
     REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION effective_access_group_assignment_changed()`,

  /*
   * A member added, row by row: one path for each application assigned to the group (in a
   * statement, set-based). The group is held shared first, so that an assignment of it in
   * flight is seen, and its applications after.
   */
  `CREATE FUNCTION effective_access_member_added() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM pg_advisory_xact_lock_shared(effective_access_group_key(NEW.tenant_id, NEW.group_id));
     PERFORM pg_advisory_xact_lock_shared(k)
        FROM (SELECT effective_access_application_key(ga.tenant_id, ga.application_id) AS k FROM group_app_assignments ga
               WHERE ga.tenant_id = NEW.tenant_id AND ga.group_id = NEW.group_id ORDER BY 1) AS keys;
     WITH added AS (
       INSERT INTO effective_access AS e (tenant_id, application_id, user_id, email, direct, group_paths)
       SELECT NEW.tenant_id, ga.application_id, NEW.user_id, u.email, false, 1
         FROM group_app_assignments ga
         JOIN effective_access_state s ON s.tenant_id = ga.tenant_id AND s.application_id = ga.application_id
         JOIN users u ON u.tenant_id = NEW.tenant_id AND u.id = NEW.user_id
        WHERE ga.tenant_id = NEW.tenant_id AND ga.group_id = NEW.group_id
          AND (s.rebuild_requested_at IS NULL OR NEW.user_id <= s.rebuild_cursor)
       ON CONFLICT (tenant_id, application_id, user_id) DO UPDATE SET group_paths = e.group_paths + 1
       RETURNING e.application_id, (e.xmax = 0) AS inserted
     )
     INSERT INTO effective_access_count_deltas (tenant_id, application_id, delta)
     SELECT NEW.tenant_id, application_id, 1 FROM added WHERE inserted;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER effective_access_member_added AFTER INSERT ON group_memberships
     FOR EACH ROW EXECUTE FUNCTION effective_access_member_added()`,

  // A member removed: one path less for each application assigned to the group; rows left with none go.
  `CREATE FUNCTION effective_access_member_removed() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     v_emptied uuid[];
   BEGIN
     PERFORM pg_advisory_xact_lock_shared(effective_access_group_key(OLD.tenant_id, OLD.group_id));
     PERFORM pg_advisory_xact_lock_shared(k)
        FROM (SELECT effective_access_application_key(ga.tenant_id, ga.application_id) AS k FROM group_app_assignments ga
               WHERE ga.tenant_id = OLD.tenant_id AND ga.group_id = OLD.group_id ORDER BY 1) AS keys;
     WITH reduced AS (
       UPDATE effective_access e SET group_paths = greatest(e.group_paths - 1, 0)
         FROM group_app_assignments ga
         JOIN effective_access_state s ON s.tenant_id = ga.tenant_id AND s.application_id = ga.application_id
        WHERE ga.tenant_id = OLD.tenant_id AND ga.group_id = OLD.group_id
          AND (s.rebuild_requested_at IS NULL OR OLD.user_id <= s.rebuild_cursor)
          AND e.tenant_id = OLD.tenant_id AND e.application_id = ga.application_id AND e.user_id = OLD.user_id
       RETURNING e.application_id, e.direct, e.group_paths
     )
     SELECT array_agg(application_id) INTO v_emptied FROM reduced WHERE NOT direct AND group_paths = 0;
     IF v_emptied IS NOT NULL THEN
       WITH removed AS (
         DELETE FROM effective_access e
          WHERE e.tenant_id = OLD.tenant_id AND e.application_id = ANY (v_emptied) AND e.user_id = OLD.user_id
            AND NOT e.direct AND e.group_paths = 0
         RETURNING e.application_id
       )
       INSERT INTO effective_access_count_deltas (tenant_id, application_id, delta)
       SELECT OLD.tenant_id, application_id, -1 FROM removed;
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER effective_access_member_removed AFTER DELETE ON group_memberships
     FOR EACH ROW EXECUTE FUNCTION effective_access_member_removed()`,

  // A user's new email is the new sort key of each of their rows.
  `CREATE FUNCTION effective_access_email_changed() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     v_tenants uuid[];
     v_applications uuid[];
     v_renamed_tenants uuid[];
     v_renamed uuid[];
   BEGIN
     SELECT array_agg(n.tenant_id), array_agg(n.id) INTO v_renamed_tenants, v_renamed
       FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
      WHERE n.email IS DISTINCT FROM o.email;
     IF v_renamed IS NULL THEN RETURN NULL; END IF;
     -- Wait for changes in flight that give these users a new row: those that reference the
     -- user (a foreign key's KEY SHARE lock), and those that assign one of their groups.
     PERFORM FROM users u WHERE (u.tenant_id, u.id) IN (SELECT t, i FROM unnest(v_renamed_tenants, v_renamed) AS x(t, i))
       ORDER BY u.tenant_id, u.id FOR UPDATE;
     PERFORM effective_access_lock_groups(array_agg(m.tenant_id), array_agg(m.group_id), false)
        FROM unnest(v_renamed_tenants, v_renamed) AS x(t, i)
        JOIN group_memberships m ON m.tenant_id = x.t AND m.user_id = x.i;
     WITH renamed AS (
       SELECT t AS tenant_id, i AS id FROM unnest(v_renamed_tenants, v_renamed) AS x(t, i)
     ), reached AS (
       SELECT ua.tenant_id, ua.application_id FROM renamed r
         JOIN user_app_assignments ua ON ua.tenant_id = r.tenant_id AND ua.user_id = r.id
       UNION
       SELECT ga.tenant_id, ga.application_id FROM renamed r
         JOIN group_memberships m ON m.tenant_id = r.tenant_id AND m.user_id = r.id
         JOIN group_app_assignments ga ON ga.tenant_id = m.tenant_id AND ga.group_id = m.group_id
     )
     SELECT array_agg(tenant_id), array_agg(application_id) INTO v_tenants, v_applications FROM reached;
     IF v_applications IS NULL THEN RETURN NULL; END IF;
     PERFORM effective_access_lock(v_tenants, v_applications);
     UPDATE effective_access e SET email = n.email
       FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
      WHERE n.email IS DISTINCT FROM o.email
        AND e.tenant_id = n.tenant_id AND e.user_id = n.id
        AND e.application_id = ANY (v_applications);
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER effective_access_email_changed AFTER UPDATE ON users
     REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION effective_access_email_changed()`,

  // A new application has no users yet.
  `CREATE FUNCTION effective_access_application_created() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO effective_access_state (tenant_id, application_id) SELECT tenant_id, id FROM changed_rows;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER effective_access_application_created AFTER INSERT ON applications
     REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION effective_access_application_created()`,

  // A deleted application takes its rows first; its assignments then cascade with nothing left to maintain.
  `CREATE FUNCTION effective_access_application_deleting() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM pg_advisory_xact_lock(effective_access_application_key(OLD.tenant_id, OLD.id));
     DELETE FROM effective_access WHERE tenant_id = OLD.tenant_id AND application_id = OLD.id;
     DELETE FROM effective_access_state WHERE tenant_id = OLD.tenant_id AND application_id = OLD.id;
     RETURN OLD;
   END $$`,
  `CREATE TRIGGER effective_access_application_deleting BEFORE DELETE ON applications
     FOR EACH ROW EXECUTE FUNCTION effective_access_application_deleting()`,

  // A deleted group gives up its assignments while its members are still there to count.
  `CREATE FUNCTION effective_access_group_deleting() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     DELETE FROM group_app_assignments WHERE tenant_id = OLD.tenant_id AND group_id = OLD.id;
     RETURN OLD;
   END $$`,
  `CREATE TRIGGER effective_access_group_deleting BEFORE DELETE ON groups
     FOR EACH ROW EXECUTE FUNCTION effective_access_group_deleting()`,

  /*
   * A deleted tenant takes its index, memberships and assignments first, one statement each:
   * the cascades that follow (one statement per user and per group) then find nothing to
   * delete and nothing to maintain.
   */
  `CREATE FUNCTION effective_access_tenant_deleting() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     DELETE FROM effective_access WHERE tenant_id = OLD.id;
     DELETE FROM effective_access_state WHERE tenant_id = OLD.id;
     DELETE FROM group_memberships WHERE tenant_id = OLD.id;
     DELETE FROM group_app_assignments WHERE tenant_id = OLD.id;
     DELETE FROM user_app_assignments WHERE tenant_id = OLD.id;
     RETURN OLD;
   END $$`,
  `CREATE TRIGGER effective_access_tenant_deleting BEFORE DELETE ON tenants
     FOR EACH ROW EXECUTE FUNCTION effective_access_tenant_deleting()`,

  /*
   * Folds the counts the changes appended (effective_access_count_deltas) into the state
   * rows: changes never update a shared counter row, so they do not wait for each other.
   * One folder at a time; a delta still being written is folded the next time.
   */
  `CREATE FUNCTION effective_access_fold_counts() RETURNS bigint LANGUAGE plpgsql AS $$
   DECLARE
     v_folded bigint;
   BEGIN
     IF NOT pg_try_advisory_xact_lock(hashtext('effective_access_fold_counts')) THEN RETURN 0; END IF;
     WITH moved AS (
       DELETE FROM effective_access_count_deltas RETURNING tenant_id, application_id, delta
     ), totals AS (
       SELECT tenant_id, application_id, sum(delta) AS delta, count(*) AS deltas FROM moved GROUP BY tenant_id, application_id
     ), folded AS (
       UPDATE effective_access_state s SET user_count = s.user_count + t.delta
         FROM (SELECT * FROM totals ORDER BY tenant_id, application_id) t
        WHERE s.tenant_id = t.tenant_id AND s.application_id = t.application_id
       RETURNING 1
     )
     SELECT coalesce(sum(deltas), 0) INTO v_folded FROM totals;
     RETURN v_folded;
   END $$`,

  /*
   * One batch of an application's rebuild: the users after the cursor, up to about
   * rebuild_batch_rows index rows, are recomputed from the source tables and the
   * difference written. Returns true when the application's index is exact again.
   * Custom plans, so that the open ends of the range fold away and the range scans use
   * the indexes.
   */
  `CREATE FUNCTION effective_access_rebuild_step(p_tenant uuid, p_application uuid) RETURNS boolean LANGUAGE plpgsql
   SET plan_cache_mode = force_custom_plan AS $$
   DECLARE
     v_state effective_access_state%ROWTYPE;
     v_batch_rows integer := (SELECT rebuild_batch_rows FROM effective_access_settings);
     v_reach numeric;
     v_tenant_users numeric;
     v_batch_users bigint;
     v_from uuid;
     v_to uuid;
     v_users uuid[];
     v_direct boolean[];
     v_paths integer[];
     v_removed bigint;
     v_change bigint;
   BEGIN
     -- Waits for the changes of the application in flight, and keeps new ones waiting until the batch commits.
     PERFORM pg_advisory_xact_lock(effective_access_application_key(p_tenant, p_application));
     SELECT * INTO v_state FROM effective_access_state WHERE tenant_id = p_tenant AND application_id = p_application FOR UPDATE;
     IF NOT FOUND OR v_state.rebuild_requested_at IS NULL THEN RETURN true; END IF;
     v_from := v_state.rebuild_cursor;
     v_batch_users := v_state.rebuild_batch_users;
     IF v_batch_users IS NULL THEN
       -- Size the batches in users, once per rebuild, so that each holds about v_batch_rows rows of this application.
       SELECT count(*) INTO v_reach
         FROM group_app_assignments ga JOIN group_memberships m ON m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id
        WHERE ga.tenant_id = p_tenant AND ga.application_id = p_application;
       v_reach := v_reach + (SELECT count(*) FROM user_app_assignments ua WHERE ua.tenant_id = p_tenant AND ua.application_id = p_application);
       SELECT user_count INTO v_tenant_users FROM tenants WHERE id = p_tenant;
       v_batch_users := greatest(v_batch_rows, ceil(v_batch_rows * coalesce(v_tenant_users, 0) / greatest(v_reach, 1)));
     END IF;
     -- The last user of the batch; NULL when the batch reaches the tenant's last user.
     SELECT id INTO v_to FROM users
      WHERE tenant_id = p_tenant AND (v_from IS NULL OR id > v_from)
      ORDER BY id OFFSET v_batch_users - 1 LIMIT 1;
     -- What the users of the batch should have: every statement below sees it as a constant
     -- array, whose size the planner knows even while the index's statistics are stale.
     SELECT array_agg(user_id ORDER BY user_id), array_agg(direct ORDER BY user_id), array_agg(group_paths ORDER BY user_id)
       INTO v_users, v_direct, v_paths
       FROM (
         SELECT user_id, bool_or(direct) AS direct, sum(paths)::integer AS group_paths FROM (
           SELECT ua.user_id, true AS direct, 0 AS paths FROM user_app_assignments ua
            WHERE ua.tenant_id = p_tenant AND ua.application_id = p_application
              AND (v_from IS NULL OR ua.user_id > v_from) AND (v_to IS NULL OR ua.user_id <= v_to)
           UNION ALL
           SELECT m.user_id, false, 1 FROM group_app_assignments ga
             JOIN group_memberships m ON m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id
              AND (v_from IS NULL OR m.user_id > v_from) AND (v_to IS NULL OR m.user_id <= v_to)
            WHERE ga.tenant_id = p_tenant AND ga.application_id = p_application
         ) paths GROUP BY user_id
       ) desired;
     v_users := coalesce(v_users, '{}');
     DELETE FROM effective_access e
      WHERE e.tenant_id = p_tenant AND e.application_id = p_application
        AND (v_from IS NULL OR e.user_id > v_from) AND (v_to IS NULL OR e.user_id <= v_to)
        AND NOT (e.user_id = ANY (v_users));
     GET DIAGNOSTICS v_removed = ROW_COUNT;
     -- The conflict check probes the primary key, whatever the statistics say.
     WITH written AS (
       INSERT INTO effective_access AS e (tenant_id, application_id, user_id, email, direct, group_paths)
       SELECT p_tenant, p_application, d.user_id, u.email, d.direct, d.group_paths
         FROM unnest(v_users, v_direct, v_paths) AS d(user_id, direct, group_paths)
         JOIN users u ON u.tenant_id = p_tenant AND u.id = d.user_id
       ON CONFLICT (tenant_id, application_id, user_id) DO UPDATE
          SET direct = excluded.direct, group_paths = excluded.group_paths
        WHERE (e.direct, e.group_paths) IS DISTINCT FROM (excluded.direct, excluded.group_paths)
       RETURNING (e.xmax = 0) AS inserted
     )
     SELECT count(*) FILTER (WHERE inserted) - v_removed INTO v_change FROM written;
     UPDATE effective_access_state
        SET user_count = user_count + v_change,
            rebuild_cursor = v_to,
            rebuild_batch_users = CASE WHEN v_to IS NULL THEN NULL ELSE v_batch_users END,
            rebuild_requested_at = CASE WHEN v_to IS NULL THEN NULL ELSE rebuild_requested_at END
      WHERE tenant_id = p_tenant AND application_id = p_application;
     RETURN v_to IS NULL;
   END $$`,

  // Claims the oldest rebuild no other worker holds and does one batch of it; no row when there is none.
  `CREATE FUNCTION effective_access_rebuild_next(OUT tenant_id uuid, OUT application_id uuid, OUT done boolean)
   RETURNS SETOF record LANGUAGE plpgsql AS $$
   BEGIN
     SELECT s.tenant_id, s.application_id INTO tenant_id, application_id
       FROM effective_access_state s
      WHERE s.rebuild_requested_at IS NOT NULL
      ORDER BY s.rebuild_requested_at
      LIMIT 1
        FOR UPDATE SKIP LOCKED;
     IF NOT FOUND THEN RETURN; END IF;
     done := effective_access_rebuild_step(tenant_id, application_id);
     RETURN NEXT;
   END $$`,
];

const DROP_FUNCTIONS_AND_TRIGGERS = [
  'DROP FUNCTION effective_access_rebuild_next()',
  'DROP FUNCTION effective_access_rebuild_step(uuid, uuid)',
  'DROP FUNCTION effective_access_fold_counts()',
  'DROP TRIGGER effective_access_tenant_deleting ON tenants',
  'DROP FUNCTION effective_access_tenant_deleting()',
  'DROP TRIGGER effective_access_group_deleting ON groups',
  'DROP FUNCTION effective_access_group_deleting()',
  'DROP TRIGGER effective_access_application_deleting ON applications',
  'DROP FUNCTION effective_access_application_deleting()',
  'DROP TRIGGER effective_access_application_created ON applications',
  'DROP FUNCTION effective_access_application_created()',
  'DROP TRIGGER effective_access_email_changed ON users',
  'DROP FUNCTION effective_access_email_changed()',
  'DROP TRIGGER effective_access_member_removed ON group_memberships',
  'DROP TRIGGER effective_access_member_added ON group_memberships',
  'DROP FUNCTION effective_access_member_removed()',
  'DROP FUNCTION effective_access_member_added()',
  'DROP TRIGGER effective_access_group_unassigned ON group_app_assignments',
  'DROP TRIGGER effective_access_group_assigned ON group_app_assignments',
  'DROP FUNCTION effective_access_group_assignment_changed()',
  'DROP TRIGGER effective_access_direct_unassigned ON user_app_assignments',
  'DROP FUNCTION effective_access_direct_unassigned()',
  'DROP TRIGGER effective_access_direct_assigned ON user_app_assignments',
  'DROP FUNCTION effective_access_direct_assigned()',
  'DROP FUNCTION effective_access_remove(uuid[], uuid[], uuid[], boolean[], integer[])',
  'DROP FUNCTION effective_access_add(uuid[], uuid[], uuid[], boolean[], integer[])',
  'DROP FUNCTION effective_access_request_rebuild(uuid[], uuid[])',
  'DROP FUNCTION effective_access_lock_groups(uuid[], uuid[], boolean)',
  'DROP FUNCTION effective_access_lock(uuid[], uuid[])',
  'DROP FUNCTION effective_access_group_key(uuid, uuid)',
  'DROP FUNCTION effective_access_application_key(uuid, uuid)',
];
