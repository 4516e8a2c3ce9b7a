import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Agent } from 'supertest';
import { EffectiveAccessCheckRepository } from '../../src/access/effective-access-check.repository';
import { EffectiveAccessRebuildRepository } from '../../src/access/effective-access-rebuild.repository';
import { DeletionPurgeRepository } from '../../src/deletions/deletion-purge.repository';
import { type IsolatedApp, startIsolatedApp } from '../support/isolated-app';
import { bearer, platformAdminToken, tokenFor } from '../support/test-app';

/**
 * Random sequences of every write that changes who may use what, against an in-memory model:
 * after each step, every application's effective users (the total, and every page at
 * per_page=2) and every user's applications must be what the model says, and the index must
 * match a recount from the source tables (for an application being rebuilt, up to its
 * cursor). The fan-out limit is 2 and a rebuild batch is 2 rows, so group assignments,
 * group deletions and rebuilds in several batches, interleaved with writes, all happen.
 */

interface ModelUser {
  id: string;
  email: string;
}
interface ModelGroup {
  id: string;
  members: Set<string>;
}
interface ModelApplication {
  id: string;
  direct: Set<string>;
  groups: Set<string>;
}

class Model {
  readonly users = new Map<string, ModelUser>();
  readonly groups = new Map<string, ModelGroup>();
  readonly applications = new Map<string, ModelApplication>();

  /** Whether another user (than `except`) has this email (unique per tenant, case-insensitively). */
  hasEmail(email: string, except?: string): boolean {
    return [...this.users.values()].some((user) => user.id !== except && user.email.toLowerCase() === email.toLowerCase());
  }

  pick<T>(items: Map<string, T>, index: number): T | undefined {
    const values = [...items.values()];
    return values.length === 0 ? undefined : values[index % values.length];
  }

  /** Who can use the application, in the documented order (email, then id), with how. */
  effectiveUsers(
    application: ModelApplication,
  ): Array<{ user_id: string; email: string; direct: boolean; via_groups: string[] }> {
    return [...this.users.values()]
      .map((user) => ({
        user_id: user.id,
        email: user.email,
        direct: application.direct.has(user.id),
        via_groups: [...application.groups].filter((group) => this.groups.get(group)!.members.has(user.id)).sort(),
      }))
      .filter((row) => row.direct || row.via_groups.length > 0)
      .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : a.user_id < b.user_id ? -1 : 1));
  }

  /** A user's applications: id → direct, or the groups that grant it. */
  userApplications(userId: string): Map<string, { direct: boolean; groups: string[] }> {
    const reached = new Map<string, { direct: boolean; groups: string[] }>();
    for (const application of this.applications.values()) {
      const groups = [...application.groups].filter((group) => this.groups.get(group)!.members.has(userId));
      if (application.direct.has(userId) || groups.length > 0) {
        reached.set(application.id, { direct: application.direct.has(userId), groups });
      }
    }
    return reached;
  }
}

interface Real {
  http: Agent;
  tenantId: string;
  token: string;
  rebuilds: EffectiveAccessRebuildRepository;
  purges: DeletionPurgeRepository;
}

/** Emails of one length from one alphabet: the same order under any collation. */
const emailOf = (seed: number) =>
  `${Array.from({ length: 6 }, (_, index) => String.fromCharCode(97 + ((seed * (index + 7) + index * 3) % 26))).join('')}${randomUUID().slice(0, 4).replace(/[0-9]/g, 'q')}@example.com`;

type Command = fc.AsyncCommand<Model, Real>;

const expectStatus = (response: { status: number; body: unknown }, status: number, what: string) => {
  if (response.status !== status)
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
};

class CreateUser implements Command {
  constructor(readonly seed: number) {}
  check = (model: Readonly<Model>) => model.users.size < 8;
  async run(model: Model, real: Real) {
    const email = emailOf(this.seed);
    const response = await real.http
      .post(`/api/v1/tenants/${real.tenantId}/users`)
      .set(bearer(real.token))
      .send({ email, display_name: 'U' });
    // Emails are short on purpose (the order must not depend on collation), so they can repeat: 409 then.
    expectStatus(response, model.hasEmail(email) ? 409 : 201, 'create user');
    if (response.status === 201) model.users.set(response.body.data.id, { id: response.body.data.id, email });
  }
  toString = () => `CreateUser(${this.seed})`;
}

class ChangeEmail implements Command {
  constructor(
    readonly user: number,
    readonly seed: number,
  ) {}
  check = (model: Readonly<Model>) => model.users.size > 0;
  async run(model: Model, real: Real) {
    const user = model.pick(model.users, this.user)!;
    const email = emailOf(this.seed);
    const response = await real.http
      .patch(`/api/v1/tenants/${real.tenantId}/users/${user.id}`)
      .set(bearer(real.token))
      .send({ email });
    expectStatus(response, model.hasEmail(email, user.id) ? 409 : 200, 'change email');
    if (response.status === 200) user.email = email;
  }
  toString = () => `ChangeEmail(${this.user}, ${this.seed})`;
}

class DeleteUser implements Command {
  constructor(readonly user: number) {}
  check = (model: Readonly<Model>) => model.users.size > 0;
  async run(model: Model, real: Real) {
    const user = model.pick(model.users, this.user)!;
    expectStatus(
      await real.http.delete(`/api/v1/tenants/${real.tenantId}/users/${user.id}`).set(bearer(real.token)),
      204,
      'delete user',
    );
    model.users.delete(user.id);
    for (const group of model.groups.values()) group.members.delete(user.id);
    for (const application of model.applications.values()) application.direct.delete(user.id);
  }
  toString = () => `DeleteUser(${this.user})`;
}

class CreateGroup implements Command {
  check = (model: Readonly<Model>) => model.groups.size < 4;
  async run(model: Model, real: Real) {
    const response = await real.http
      .post(`/api/v1/tenants/${real.tenantId}/groups`)
      .set(bearer(real.token))
      .send({ name: `g-${randomUUID()}` });
    expectStatus(response, 201, 'create group');
    model.groups.set(response.body.data.id, { id: response.body.data.id, members: new Set() });
  }
  toString = () => 'CreateGroup';
}

class DeleteGroup implements Command {
  constructor(readonly group: number) {}
  check = (model: Readonly<Model>) => model.groups.size > 0;
  async run(model: Model, real: Real) {
    const group = model.pick(model.groups, this.group)!;
    // More members than the inline limit: accepted (202) and removed in the background. Gone at once either way.
    const response = await real.http.delete(`/api/v1/tenants/${real.tenantId}/groups/${group.id}`).set(bearer(real.token));
    expectStatus(response, group.members.size > 2 ? 202 : 204, 'delete group');
    model.groups.delete(group.id);
    for (const application of model.applications.values()) application.groups.delete(group.id);
  }
  toString = () => `DeleteGroup(${this.group})`;
}

class CreateApplication implements Command {
  check = (model: Readonly<Model>) => model.applications.size < 4;
  async run(model: Model, real: Real) {
    const response = await real.http
      .post(`/api/v1/tenants/${real.tenantId}/applications`)
      .set(bearer(real.token))
      .send({ name: `a-${randomUUID()}` });
    expectStatus(response, 201, 'create application');
    model.applications.set(response.body.data.id, { id: response.body.data.id, direct: new Set(), groups: new Set() });
  }
  toString = () => 'CreateApplication';
}

class DeleteApplication implements Command {
  constructor(readonly application: number) {}
  check = (model: Readonly<Model>) => model.applications.size > 0;
  async run(model: Model, real: Real) {
    const application = model.pick(model.applications, this.application)!;
    const response = await real.http
      .delete(`/api/v1/tenants/${real.tenantId}/applications/${application.id}`)
      .set(bearer(real.token));
    // Small: deleted now (204); large (its size as the index last counted it): in the background (202). Gone at once either way.
    expectStatus(response, response.status === 202 ? 202 : 204, 'delete application');
    model.applications.delete(application.id);
  }
  toString = () => `DeleteApplication(${this.application})`;
}

class AddMember implements Command {
  constructor(
    readonly group: number,
    readonly user: number,
  ) {}
  check = (model: Readonly<Model>) => model.groups.size > 0 && model.users.size > 0;
  async run(model: Model, real: Real) {
    const group = model.pick(model.groups, this.group)!;
    const user = model.pick(model.users, this.user)!;
    const response = await real.http
      .post(`/api/v1/tenants/${real.tenantId}/groups/${group.id}/members`)
      .set(bearer(real.token))
      .send({ user_id: user.id });
    expectStatus(response, group.members.has(user.id) ? 409 : 201, 'add member');
    group.members.add(user.id);
  }
  toString = () => `AddMember(${this.group}, ${this.user})`;
}

class RemoveMember implements Command {
  constructor(
    readonly group: number,
    readonly user: number,
  ) {}
  check = (model: Readonly<Model>) => model.groups.size > 0 && model.users.size > 0;
  async run(model: Model, real: Real) {
    const group = model.pick(model.groups, this.group)!;
    const user = model.pick(model.users, this.user)!;
    const response = await real.http
      .delete(`/api/v1/tenants/${real.tenantId}/groups/${group.id}/members/${user.id}`)
      .set(bearer(real.token));
    expectStatus(response, group.members.has(user.id) ? 204 : 404, 'remove member');
    group.members.delete(user.id);
  }
  toString = () => `RemoveMember(${this.group}, ${this.user})`;
}

class AssignUser implements Command {
  constructor(
    readonly user: number,
    readonly application: number,
  ) {}
  check = (model: Readonly<Model>) => model.users.size > 0 && model.applications.size > 0;
  async run(model: Model, real: Real) {
    const user = model.pick(model.users, this.user)!;
    const application = model.pick(model.applications, this.application)!;
    const response = await real.http
      .post(`/api/v1/tenants/${real.tenantId}/users/${user.id}/applications`)
      .set(bearer(real.token))
      .send({ application_id: application.id });
    expectStatus(response, application.direct.has(user.id) ? 409 : 201, 'assign to user');
    application.direct.add(user.id);
  }
  toString = () => `AssignUser(${this.user}, ${this.application})`;
}

class BulkAssignUser implements Command {
  constructor(
    readonly user: number,
    readonly applications: number[],
  ) {}
  check = (model: Readonly<Model>) => model.users.size > 0 && model.applications.size > 0;
  async run(model: Model, real: Real) {
    const user = model.pick(model.users, this.user)!;
    const applications = [...new Set(this.applications.map((index) => model.pick(model.applications, index)!))];
    const response = await real.http
      .post(`/api/v1/tenants/${real.tenantId}/users/${user.id}/applications/bulk`)
      .set(bearer(real.token))
      .send({ application_ids: applications.map((application) => application.id) });
    expectStatus(response, 201, 'bulk assign');
    for (const application of applications) application.direct.add(user.id);
  }
  toString = () => `BulkAssignUser(${this.user}, [${this.applications.join(', ')}])`;
}

class UnassignUser implements Command {
  constructor(
    readonly user: number,
    readonly application: number,
  ) {}
  check = (model: Readonly<Model>) => model.users.size > 0 && model.applications.size > 0;
  async run(model: Model, real: Real) {
    const user = model.pick(model.users, this.user)!;
    const application = model.pick(model.applications, this.application)!;
    const response = await real.http
      .delete(`/api/v1/tenants/${real.tenantId}/users/${user.id}/applications/${application.id}`)
      .set(bearer(real.token));
    expectStatus(response, application.direct.has(user.id) ? 204 : 404, 'unassign from user');
    application.direct.delete(user.id);
  }
  toString = () => `UnassignUser(${this.user}, ${this.application})`;
}

class AssignGroup implements Command {
  constructor(
    readonly group: number,
    readonly application: number,
  ) {}
  check = (model: Readonly<Model>) => model.groups.size > 0 && model.applications.size > 0;
  async run(model: Model, real: Real) {
    const group = model.pick(model.groups, this.group)!;
    const application = model.pick(model.applications, this.application)!;
    const response = await real.http
      .post(`/api/v1/tenants/${real.tenantId}/groups/${group.id}/applications`)
      .set(bearer(real.token))
      .send({ application_id: application.id });
    expectStatus(response, application.groups.has(group.id) ? 409 : 201, 'assign to group');
    application.groups.add(group.id);
  }
  toString = () => `AssignGroup(${this.group}, ${this.application})`;
}

class UnassignGroup implements Command {
  constructor(
    readonly group: number,
    readonly application: number,
  ) {}
  check = (model: Readonly<Model>) => model.groups.size > 0 && model.applications.size > 0;
  async run(model: Model, real: Real) {
    const group = model.pick(model.groups, this.group)!;
    const application = model.pick(model.applications, this.application)!;
    const response = await real.http
      .delete(`/api/v1/tenants/${real.tenantId}/groups/${group.id}/applications/${application.id}`)
      .set(bearer(real.token));
    expectStatus(response, application.groups.has(group.id) ? 204 : 404, 'unassign from group');
    application.groups.delete(group.id);
  }
  toString = () => `UnassignGroup(${this.group}, ${this.application})`;
}

/** One batch of whatever rebuild is pending (the background worker is off in this suite). */
class RebuildBatch implements Command {
  check = () => true;
  async run(_: Model, real: Real) {
    await real.rebuilds.next();
  }
  toString = () => 'RebuildBatch';
}

/** One batch of whatever deletion is pending. */
class PurgeBatch implements Command {
  check = () => true;
  async run(_: Model, real: Real) {
    await real.purges.next(2);
  }
  toString = () => 'PurgeBatch';
}

const index = fc.nat({ max: 7 });
const commands = [
  fc.nat({ max: 1_000 }).map((seed) => new CreateUser(seed)),
  fc.tuple(index, fc.nat({ max: 1_000 })).map(([user, seed]) => new ChangeEmail(user, seed)),
  index.map((user) => new DeleteUser(user)),
  fc.constant(new CreateGroup()),
  index.map((group) => new DeleteGroup(group)),
  fc.constant(new CreateApplication()),
  index.map((application) => new DeleteApplication(application)),
  fc.tuple(index, index).map(([group, user]) => new AddMember(group, user)),
  fc.tuple(index, index).map(([group, user]) => new AddMember(group, user)),
  fc.tuple(index, index).map(([group, user]) => new RemoveMember(group, user)),
  fc.tuple(index, index).map(([user, application]) => new AssignUser(user, application)),
  fc
    .tuple(index, fc.array(index, { minLength: 1, maxLength: 3 }))
    .map(([user, applications]) => new BulkAssignUser(user, applications)),
  fc.tuple(index, index).map(([user, application]) => new UnassignUser(user, application)),
  fc.tuple(index, index).map(([group, application]) => new AssignGroup(group, application)),
  fc.tuple(index, index).map(([group, application]) => new AssignGroup(group, application)),
  fc.tuple(index, index).map(([group, application]) => new UnassignGroup(group, application)),
  fc.constant(new RebuildBatch()),
  fc.constant(new RebuildBatch()),
  fc.constant(new PurgeBatch()),
];

describe('Effective access (property): random writes against a model', () => {
  let app: IsolatedApp;
  let check: EffectiveAccessCheckRepository;
  let rebuilds: EffectiveAccessRebuildRepository;
  let purges: DeletionPurgeRepository;
  let checkedSteps = 0;

  beforeAll(async () => {
    app = await startIsolatedApp('access_property', { BACKGROUND_WORKERS: 'false' });
    await app.dataSource.query(`UPDATE effective_access_settings SET inline_fanout_limit = 2, rebuild_batch_rows = 2`);
    check = app.app.get(EffectiveAccessCheckRepository);
    rebuilds = app.app.get(EffectiveAccessRebuildRepository);
    purges = app.app.get(DeletionPurgeRepository);
  });

  afterAll(async () => {
    await app.close();
    console.log(`effective-access property: ${checkedSteps} states checked`);
  });

  /** Everything a reader can see agrees with the model, and the index with a recount. */
  async function expectAgreement(model: Model, real: Real): Promise<void> {
    checkedSteps += 1;
    const base = `/api/v1/tenants/${real.tenantId}`;
    for (const application of model.applications.values()) {
      const expected = model.effectiveUsers(application);
      const pages = Math.ceil(expected.length / 2);
      const seen: unknown[] = [];
      for (let page = 1; page <= pages + 1; page += 1) {
        const response = await real.http
          .get(`${base}/applications/${application.id}/effective-users?page=${page}&per_page=2`)
          .set(bearer(real.token));
        expectStatus(response, 200, 'effective users');
        expect(response.body.pagination).toEqual({ page, per_page: 2, total_items: expected.length, total_pages: pages });
        seen.push(
          ...(response.body.data as Array<{ user_id: string; email: string; direct: boolean; via_groups: string[] }>).map(
            ({ user_id, email, direct, via_groups }) => ({ user_id, email, direct, via_groups }),
          ),
        );
      }
      expect(seen).toEqual(expected);
    }
    for (const user of model.users.values()) {
      const response = await real.http.get(`${base}/users/${user.id}/applications`).set(bearer(real.token));
      expectStatus(response, 200, "user's applications");
      const expected = model.userApplications(user.id);
      const actual = response.body.data.applications as Array<{
        application_id: string;
        assignment_type: string;
        assigned_via: string | null;
      }>;
      expect(actual.map((row) => row.application_id).sort()).toEqual([...expected.keys()].sort());
      for (const row of actual) {
        const how = expected.get(row.application_id)!;
        if (how.direct) expect([row.assignment_type, row.assigned_via]).toEqual(['direct', null]);
        else {
          expect(row.assignment_type).toBe('group');
          expect(how.groups).toContain(row.assigned_via);
        }
      }
    }
    for (const indexed of await check.applications(real.tenantId)) {
      // An application being rebuilt is exact up to its cursor; one that is not, everywhere.
      if (indexed.rebuilding && indexed.rebuildCursor === null) continue;
      const upTo = indexed.rebuilding ? indexed.rebuildCursor : null;
      expect([indexed.name, await check.differences(real.tenantId, indexed.applicationId, null, upTo)]).toEqual([
        indexed.name,
        [],
      ]);
      if (!indexed.rebuilding) expect([indexed.name, indexed.userCount]).toEqual([indexed.name, indexed.rows]);
    }
  }

  it("keeps totals, every page and every user's applications exact, with the index matching a recount", async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30, size: '+1' }), async (generated) => {
        const tenant = await app.http
          .post('/api/v1/tenants')
          .set(bearer(platformAdminToken()))
          .send({ name: 'Property', slug: `p-${randomUUID()}`.slice(0, 40) });
        expectStatus(tenant, 201, 'create tenant');
        const real: Real = {
          http: app.http,
          tenantId: tenant.body.data.id,
          token: tokenFor(tenant.body.data.id),
          rebuilds,
          purges,
        };
        const model = new Model();
        // A starting population, so that short sequences already have something to change.
        for (let seed = 0; seed < 4; seed += 1) await new CreateUser(seed * 37).run(model, real);
        await new CreateGroup().run(model, real);
        await new CreateGroup().run(model, real);
        await new CreateApplication().run(model, real);
        await new CreateApplication().run(model, real);
        await fc.asyncModelRun(
          () => ({ model, real }),
          [...generated].map((command): Command => ({
            check: (m) => command.check(m) as boolean,
            run: async (m, r) => {
              await command.run(m, r);
              await expectAgreement(m, r);
            },
            toString: () => command.toString(),
          })),
        );
        // Once the background work is done, every application is read from the index again.
        while ((await rebuilds.next()) || (await purges.next())) {
          /* drain */
        }
        await expectAgreement(model, real);
      }),
      {
        numRuns: Number(process.env.PROPERTY_RUNS ?? 30),
        seed: Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31),
        verbose: 1,
      },
    );
  }, 600_000);
});
