import { randomUUID } from 'node:crypto';
import type { AppAssignment, ErrorResponse, HttpValidationError, PaginationMeta } from './sdk/generated';
import * as sdk from './sdk/generated';
import { type Client, createClient, createConfig } from './sdk/generated/client';
import { platformAdminToken, startTestApp, TestApp, tokenFor } from './support/test-app';

/**
 * What a team that generates an SDK from /openapi.json goes through: only the generated
 * client (test/sdk/generated, `npm run sdk:generate`), with its types, against the real
 * service listening on a port and a real PostgreSQL. No supertest, no hand-written fetch.
 */

/** What every generated call resolves to (the client's default `responseStyle: 'fields'`). */
type Outcome<TData, TError> = ({ data: TData; error: undefined } | { data: undefined; error: TError }) & {
  response?: Response;
};

/** The success path: the documented status, no error, and the typed body. */
async function succeeded<TData, TError>(
  call: Promise<Outcome<TData, TError>>,
  status: number,
): Promise<Exclude<TData, undefined>> {
  const result = await call;
  expect({ status: result.response?.status, error: result.error }).toEqual({ status, error: undefined });
  // Narrowed by the check above: without an error the client returns the success body.
  return result.data as Exclude<TData, undefined>;
}

/** The error path: the documented status, no data, and the typed error body. */
async function failed<TData, TError>(call: Promise<Outcome<TData, TError>>, status: number): Promise<Exclude<TError, undefined>> {
  const result = await call;
  expect({ status: result.response?.status, data: result.data }).toEqual({ status, data: undefined });
  return result.error as Exclude<TError, undefined>;
}

/** `{"detail": "message"}`, every error but 422. */
function errorResponse(body: ErrorResponse | HttpValidationError): ErrorResponse {
  expect(typeof body.detail).toBe('string');
  return body as ErrorResponse;
}

/** `{"detail": [{"loc", "msg", "type"}]}`, the 422. */
function validationError(body: ErrorResponse | HttpValidationError): HttpValidationError {
  expect(Array.isArray(body.detail)).toBe(true);
  return body as HttpValidationError;
}

describe('the generated TypeScript SDK against the running service', () => {
  let t: TestApp;
  let baseUrl: string;

  const clientFor = (token: string): Client => createClient(createConfig({ baseUrl, auth: token }));

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await t.app.getUrl();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('runs the whole App Assignments journey, errors included', async () => {
    // A tenant, created by the platform admin.
    const platform = clientFor(platformAdminToken());
    const slug = `sdk-${randomUUID().slice(0, 8)}`;
    const created = await succeeded(
      sdk.createTenantApiV1TenantsPost({ client: platform, body: { name: 'SDK Journey', slug } }),
      201,
    );
    const tenant = created.data;
    expect(tenant).toEqual(expect.objectContaining({ name: 'SDK Journey', slug, status: 'active' }));
    expect(created.meta?.request_id).toEqual(expect.any(String));
    const tenant_id: string = tenant.id;
    const client = clientFor(tokenFor(tenant_id));

    // Users, groups with members, applications.
    const people = ['ada', 'alan', 'grace', 'linus', 'margaret'] as const;
    const users = {} as Record<(typeof people)[number], string>;
    for (const name of people) {
      const user = await succeeded(
        sdk.createUserApiV1TenantsTenantIdUsersPost({
          client,
          path: { tenant_id },
          body: { email: `${name}@sdk.example`, display_name: name[0].toUpperCase() + name.slice(1) },
        }),
        201,
      );
      expect(user.data).toEqual(expect.objectContaining({ tenant_id, email: `${name}@sdk.example`, status: 'active' }));
      users[name] = user.data.id;
    }
    const group = async (name: string, members: string[]): Promise<string> => {
      const { data } = await succeeded(
        sdk.createGroupApiV1TenantsTenantIdGroupsPost({ client, path: { tenant_id }, body: { name } }),
        201,
      );
      for (const user_id of members) {
        const member = await succeeded(
          sdk.addGroupMemberApiV1TenantsTenantIdGroupsGroupIdMembersPost({
            client,
            path: { tenant_id, group_id: data.id },
            body: { user_id },
          }),
          201,
        );
        expect(member.data).toEqual(expect.objectContaining({ user_id, group_id: data.id }));
      }
      return data.id;
    };
    const engineering = await group('Engineering', [users.alan, users.grace, users.linus, users.margaret]);
    const finance = await group('Finance', [users.grace]);
    const members = await succeeded(
      sdk.listGroupMembersApiV1TenantsTenantIdGroupsGroupIdMembersGet({ client, path: { tenant_id, group_id: engineering } }),
      200,
    );
    expect(members.data.map((member) => member.email)).toEqual(
      ['alan', 'grace', 'linus', 'margaret'].map((n) => `${n}@sdk.example`),
    );

    const application = async (name: string): Promise<string> => {
      const { data } = await succeeded(
        sdk.createApplicationApiV1TenantsTenantIdApplicationsPost({ client, path: { tenant_id }, body: { name } }),
        201,
      );
      expect(data.client_id).toEqual(expect.any(String));
      return data.id;
    };
    const wiki = await application('Wiki');
    const payroll = await application('Payroll');
    const git = await application('Git Hosting');

    // Direct assignment, then the duplicate: 409 through the error path.
    const direct = await succeeded(
      sdk.assignApplicationToUserApiV1TenantsTenantIdUsersUserIdApplicationsPost({
        client,
        path: { tenant_id, user_id: users.ada },
        body: { application_id: wiki },
      }),
      201,
    );
    expect(direct.data).toEqual({
      user_id: users.ada,
      application_id: wiki,
      assignment_type: 'direct',
      assigned_at: expect.any(String),
    });
    const conflict = errorResponse(
      await failed(
        sdk.assignApplicationToUserApiV1TenantsTenantIdUsersUserIdApplicationsPost({
          client,
          path: { tenant_id, user_id: users.ada },
          body: { application_id: wiki },
        }),
        409,
      ),
    );
    expect(conflict).toEqual({ detail: 'Application is already assigned to this user' });

    // Through groups: Engineering first, so it is the older assignment of Git Hosting.
    for (const [group_id, application_id] of [
      [engineering, git],
      [finance, git],
      [finance, payroll],
    ]) {
      const assigned = await succeeded(
        sdk.assignApplicationToGroupApiV1TenantsTenantIdGroupsGroupIdApplicationsPost({
          client,
          path: { tenant_id, group_id },
          body: { application_id },
        }),
        201,
      );
      expect(assigned.data).toEqual({ group_id, application_id, assignment_type: 'group', assigned_at: expect.any(String) });
    }

    // In bulk: one unknown id is a 404 naming it, and nothing is written.
    const unknown = randomUUID();
    const notFound = errorResponse(
      await failed(
        sdk.bulkAssignApplicationsToUserApiV1TenantsTenantIdUsersUserIdApplicationsBulkPost({
          client,
          path: { tenant_id, user_id: users.ada },
          body: { application_ids: [payroll, unknown] },
        }),
        404,
      ),
    );
    expect(notFound).toEqual({ detail: `Applications not found: ${unknown}` });
    const bulk = await succeeded(
      sdk.bulkAssignApplicationsToUserApiV1TenantsTenantIdUsersUserIdApplicationsBulkPost({
        client,
        path: { tenant_id, user_id: users.ada },
        body: { application_ids: [payroll, git, wiki, payroll] },
      }),
      201,
    );
    expect(bulk.data).toEqual({ user_id: users.ada, assigned: [payroll, git], already_assigned: [wiki], assigned_count: 2 });

    // A malformed id in the body: 422 with the reference's validation body.
    const invalid = validationError(
      await failed(
        sdk.bulkAssignApplicationsToUserApiV1TenantsTenantIdUsersUserIdApplicationsBulkPost({
          client,
          path: { tenant_id, user_id: users.ada },
          body: { application_ids: [payroll, 'not-a-uuid'] },
        }),
        422,
      ),
    );
    expect(invalid.detail).toEqual([{ loc: ['body', 'application_ids', 1], msg: expect.any(String), type: expect.any(String) }]);

    // A user's applications: one entry per application, direct winning, ordered by name.
    const userApplications = async (user_id: string, include_group_assignments?: boolean): Promise<AppAssignment[]> => {
      const { data } = await succeeded(
        sdk.getUserApplicationsApiV1TenantsTenantIdUsersUserIdApplicationsGet({
          client,
          path: { tenant_id, user_id },
          ...(include_group_assignments === undefined ? {} : { query: { include_group_assignments } }),
        }),
        200,
      );
      expect(data.user_id).toBe(user_id);
      expect(data.total_count).toBe(data.applications.length);
      return data.applications;
    };
    const summary = (applications: AppAssignment[]) =>
      applications.map(({ application_id, application_name, assignment_type, assigned_via }) => ({
        application_id,
        application_name,
        assignment_type,
        assigned_via: assigned_via ?? null,
      }));
    expect(summary(await userApplications(users.ada))).toEqual([
      { application_id: git, application_name: 'Git Hosting', assignment_type: 'direct', assigned_via: null },
      { application_id: payroll, application_name: 'Payroll', assignment_type: 'direct', assigned_via: null },
      { application_id: wiki, application_name: 'Wiki', assignment_type: 'direct', assigned_via: null },
    ]);
    expect(summary(await userApplications(users.grace))).toEqual([
      { application_id: git, application_name: 'Git Hosting', assignment_type: 'group', assigned_via: engineering },
      { application_id: payroll, application_name: 'Payroll', assignment_type: 'group', assigned_via: finance },
    ]);
    expect(await userApplications(users.grace, false)).toEqual([]);
    expect(summary(await userApplications(users.grace, true))).toHaveLength(2);

    // A group's applications and an application's assignees.
    const financeApps = await succeeded(
      sdk.getGroupApplicationsApiV1TenantsTenantIdGroupsGroupIdApplicationsGet({
        client,
        path: { tenant_id, group_id: finance },
      }),
      200,
    );
    expect(summary(financeApps.data)).toEqual([
      { application_id: git, application_name: 'Git Hosting', assignment_type: 'group', assigned_via: finance },
      { application_id: payroll, application_name: 'Payroll', assignment_type: 'group', assigned_via: finance },
    ]);
    const assignees = await succeeded(
      sdk.getApplicationAssigneesApiV1TenantsTenantIdApplicationsApplicationIdAssigneesGet({
        client,
        path: { tenant_id, application_id: git },
      }),
      200,
    );
    expect(assignees.data).toEqual({
      application_id: git,
      users: [users.ada],
      groups: [engineering, finance],
      total_users: 1,
      total_groups: 2,
    });

    // Every page of the effective users, two at a time, ordered by email.
    const pages: PaginationMeta[] = [];
    const effective: Array<{ [key: string]: unknown }> = [];
    for (let page = 1; pages.length === 0 || page <= pages[pages.length - 1].total_pages; page += 1) {
      const result = await succeeded(
        sdk.getApplicationEffectiveUsersApiV1TenantsTenantIdApplicationsApplicationIdEffectiveUsersGet({
          client,
          path: { tenant_id, application_id: git },
          query: { page, per_page: 2 },
        }),
        200,
      );
      pages.push(result.pagination);
      effective.push(...result.data);
    }
    expect(pages).toEqual([1, 2, 3].map((page) => ({ page, per_page: 2, total_items: 5, total_pages: 3 })));
    expect(effective).toEqual([
      { user_id: users.ada, email: 'ada@sdk.example', display_name: 'Ada', status: 'active', direct: true, via_groups: [] },
      ...(['alan', 'grace', 'linus', 'margaret'] as const).map((name) => ({
        user_id: users[name],
        email: `${name}@sdk.example`,
        display_name: name[0].toUpperCase() + name.slice(1),
        status: 'active',
        direct: false,
        via_groups: name === 'grace' ? [engineering, finance].sort() : [engineering],
      })),
    ]);

    // Unassign: 204, then the same call again is a 404 through the error path.
    const unassignWiki = () =>
      sdk.unassignApplicationFromUserApiV1TenantsTenantIdUsersUserIdApplicationsApplicationIdDelete({
        client,
        path: { tenant_id, user_id: users.ada, application_id: wiki },
      });
    await succeeded(unassignWiki(), 204);
    expect(errorResponse(await failed(unassignWiki(), 404))).toEqual({ detail: 'Application is not assigned to this user' });
    await succeeded(
      sdk.unassignApplicationFromGroupApiV1TenantsTenantIdGroupsGroupIdApplicationsApplicationIdDelete({
        client,
        path: { tenant_id, group_id: engineering, application_id: git },
      }),
      204,
    );
    expect(summary(await userApplications(users.ada)).map((app) => app.application_name)).toEqual(['Git Hosting', 'Payroll']);
    expect(summary(await userApplications(users.grace))).toEqual([
      { application_id: git, application_name: 'Git Hosting', assignment_type: 'group', assigned_via: finance },
      { application_id: payroll, application_name: 'Payroll', assignment_type: 'group', assigned_via: finance },
    ]);
    expect(await userApplications(users.alan)).toEqual([]);

    // The client's throwing style rejects with the same typed body.
    await expect(
      sdk.getUserApplicationsApiV1TenantsTenantIdUsersUserIdApplicationsGet({
        client,
        path: { tenant_id, user_id: randomUUID() },
        throwOnError: true,
      }),
    ).rejects.toEqual({ detail: 'User not found' });
  });
});
