import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Scope } from '../../src/common/auth/scopes';
import { type IsolatedApp, startIsolatedApp } from '../support/isolated-app';
import { bearer, platformAdminToken, tokenFor } from '../support/test-app';

/**
 * Random tenants (users, groups with members, applications, direct and group assignments,
 * then some groups and applications deleted, small ones at once and large ones in the
 * background): for every user × application, the single check and the batch check (all
 * pairs in one request) must agree with each other, with GET user's applications (granted,
 * direct, the group it names) and with the model (the granting groups, sorted by name).
 * The fan-out limit is 2 and the background worker is off, so a large group's or
 * application's rows are still there while it must already be invisible.
 */

interface Shape {
  users: number;
  /** Created in `rank` order, so that the order of their ids says nothing about the order of their names. */
  groups: Array<{ name: string; rank: number; members: boolean[]; applications: boolean[]; deleted: boolean }>;
  applications: Array<{ direct: boolean[]; deleted: boolean }>;
}

const MAX_USERS = 6;
const MAX_APPLICATIONS = 4;

/** Group names of lower-case letters only: the same order under any collation. */
const groupName = fc.string({ unit: fc.constantFrom(...'abcdefghij'), minLength: 1, maxLength: 4 });

const shapes: fc.Arbitrary<Shape> = fc
  .record({ users: fc.integer({ min: 1, max: MAX_USERS }), applications: fc.integer({ min: 1, max: MAX_APPLICATIONS }) })
  .chain(({ users, applications }) =>
    fc.record({
      users: fc.constant(users),
      groups: fc.uniqueArray(
        fc.record({
          name: groupName,
          rank: fc.nat({ max: 1_000 }),
          members: fc.array(fc.boolean(), { minLength: users, maxLength: users }),
          applications: fc.array(fc.boolean(), { minLength: applications, maxLength: applications }),
          deleted: fc.integer({ min: 0, max: 3 }).map((roll) => roll === 0),
        }),
        { minLength: 2, maxLength: 5, selector: (group) => group.name },
      ),
      applications: fc.array(
        fc.record({
          direct: fc.array(fc.boolean(), { minLength: users, maxLength: users }),
          deleted: fc.integer({ min: 0, max: 4 }).map((roll) => roll === 0),
        }),
        { minLength: applications, maxLength: applications },
      ),
    }),
  );

interface Answer {
  user_id: string;
  application_id?: string;
  client_id?: string;
  granted?: boolean;
  direct?: boolean;
  groups?: Array<{ id: string; name: string }>;
  error?: { status: number; detail: string };
}

describe("Access check (property): agrees with a user's applications on random tenants", () => {
  let app: IsolatedApp;
  let pairsChecked = 0;

  beforeAll(async () => {
    app = await startIsolatedApp('access_check_property', { BACKGROUND_WORKERS: 'false' });
    await app.dataSource.query(`UPDATE effective_access_settings SET inline_fanout_limit = 2, rebuild_batch_rows = 2`);
  });

  afterAll(async () => {
    await app.close();
    console.log(`access-check property: ${pairsChecked} user × application pairs checked`);
  });

  async function ok<T>(request: PromiseLike<{ status: number; body: T }>, statuses: number[], what: string): Promise<T> {
    const response = await request;
    if (!statuses.includes(response.status)) throw new Error(`${what}: got ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  it("for every user × application, single and batch answer what the user's applications say", async () => {
    await fc.assert(
      fc.asyncProperty(shapes, async (shape) => {
        const http = app.http;
        const tenant = await ok(
          http
            .post('/api/v1/tenants')
            .set(bearer(platformAdminToken()))
            .send({ name: 'Check Property', slug: `c-${randomUUID()}`.slice(0, 40) }),
          [201],
          'create tenant',
        );
        const tenantId = (tenant as { data: { id: string } }).data.id;
        const base = `/api/v1/tenants/${tenantId}`;
        const admin = bearer(tokenFor(tenantId));
        const gateway = bearer(tokenFor(tenantId, [Scope.AccessCheck]));
        const created = async (path: string, body: object) =>
          (
            (await ok(http.post(`${base}/${path}`).set(admin).send(body), [201], `POST ${path}`)) as {
              data: Record<string, string>;
            }
          ).data;

        const users: string[] = [];
        for (let index = 0; index < shape.users; index += 1) {
          users.push((await created('users', { email: `${randomUUID()}@example.com`, display_name: `U${index}` })).id);
        }
        const applications: Array<{ id: string; clientId: string }> = [];
        for (let index = 0; index < shape.applications.length; index += 1) {
          const application = await created('applications', { name: `app-${index}` });
          applications.push({ id: application.id, clientId: application.client_id });
        }
        const groups: Array<{ id: string; name: string }> = [];
        const creationOrder = [...shape.groups.keys()].sort((x, y) => shape.groups[x].rank - shape.groups[y].rank);
        for (const g of creationOrder) {
          const { name } = shape.groups[g];
          groups[g] = { id: (await created('groups', { name })).id, name };
        }

        for (const [g, group] of shape.groups.entries()) {
          for (const [u, member] of group.members.entries())
            if (member) await created(`groups/${groups[g].id}/members`, { user_id: users[u] });
          for (const [a, assigned] of group.applications.entries())
            if (assigned) await created(`groups/${groups[g].id}/applications`, { application_id: applications[a].id });
        }
        for (const [a, application] of shape.applications.entries()) {
          for (const [u, direct] of application.direct.entries())
            if (direct) await created(`users/${users[u]}/applications`, { application_id: applications[a].id });
        }
        // Deleted: small at once (204), large in the background (202); invisible from now on either way.
        for (const [g, group] of shape.groups.entries())
          if (group.deleted) await ok(http.delete(`${base}/groups/${groups[g].id}`).set(admin), [202, 204], 'delete group');
        for (const [a, application] of shape.applications.entries())
          if (application.deleted)
            await ok(http.delete(`${base}/applications/${applications[a].id}`).set(admin), [202, 204], 'delete application');

        /** The model: the live groups of user u assigned application a, sorted by name then id. */
        const expectedGroups = (u: number, a: number) =>
          shape.groups
            .map((group, g) => ({ group, g }))
            .filter(({ group }) => !group.deleted && group.members[u] && group.applications[a])
            .map(({ g }) => groups[g])
            .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : x.id < y.id ? -1 : 1));

        const pairs: Array<{ u: number; a: number; byClientId: boolean }> = [];
        for (let u = 0; u < users.length; u += 1)
          for (let a = 0; a < applications.length; a += 1) pairs.push({ u, a, byClientId: (u + a) % 2 === 1 });
        const request = ({ u, a, byClientId }: (typeof pairs)[number]) =>
          byClientId
            ? { user_id: users[u], client_id: applications[a].clientId }
            : { user_id: users[u], application_id: applications[a].id };

        const batch = (
          (await ok(
            http
              .post(`${base}/access-checks`)
              .set(gateway)
              .send({ checks: pairs.map(request) }),
            [200],
            'batch',
          )) as {
            data: Answer[];
          }
        ).data;
        expect(batch).toHaveLength(pairs.length);

        for (let u = 0; u < users.length; u += 1) {
          type Listed = { application_id: string; assignment_type: string; assigned_via: string | null };
          const listed = async (include: boolean) =>
            (
              (await ok(
                http.get(`${base}/users/${users[u]}/applications?include_group_assignments=${include}`).set(admin),
                [200],
                "user's applications",
              )) as { data: { applications: Listed[] } }
            ).data.applications;
          const all = new Map((await listed(true)).map((row) => [row.application_id, row]));
          const direct = new Set((await listed(false)).map((row) => row.application_id));

          for (let a = 0; a < applications.length; a += 1) {
            const index = pairs.findIndex((pair) => pair.u === u && pair.a === a);
            const asked = request(pairs[index]);
            const single = await http.get(`${base}/access-check`).query(asked).set(gateway);
            pairsChecked += 1;
            const label = `user ${u}, application ${a}${pairs[index].byClientId ? ' (by client id)' : ''}`;

            if (shape.applications[a].deleted) {
              expect([label, single.status, single.body]).toEqual([label, 404, { detail: 'Application not found' }]);
              expect([label, batch[index]]).toEqual([
                label,
                { ...asked, error: { status: 404, detail: 'Application not found' } },
              ]);
              expect(all.has(applications[a].id)).toBe(false);
              continue;
            }
            expect([label, single.status]).toEqual([label, 200]);
            const answer = single.body.data as Answer;
            // The batch item is exactly the single answer.
            expect([label, batch[index]]).toEqual([label, answer]);
            const row = all.get(applications[a].id);
            expect([label, answer]).toEqual([
              label,
              {
                user_id: users[u],
                application_id: applications[a].id,
                client_id: applications[a].clientId,
                granted: row !== undefined,
                direct: direct.has(applications[a].id),
                groups: expectedGroups(u, a),
              },
            ]);
            // What the user's applications name agrees: direct wins, else a granting group.
            if (row && row.assignment_type === 'direct') expect(answer.direct).toBe(true);
            if (row && row.assignment_type === 'group') {
              expect([label, answer.direct]).toEqual([label, false]);
              expect(answer.groups!.map((group) => group.id)).toContain(row.assigned_via);
            }
            expect(answer.granted).toBe(answer.direct || answer.groups!.length > 0);
          }
        }
      }),
      {
        numRuns: Number(process.env.PROPERTY_RUNS ?? 25),
        seed: Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31),
        verbose: 1,
      },
    );
  }, 600_000);
});
