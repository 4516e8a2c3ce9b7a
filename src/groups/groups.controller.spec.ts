import { randomUUID } from 'node:crypto';
import { expectDetail, expectOne, expectPage, expectUnauthenticated } from '../../test/support/assertions';
import { ControllerApp, expectServiceUntouched, startControllerApp, stubService } from '../../test/support/controller-app';
import { expectValidationError } from '../../test/support/fixtures';
import { bearer, tokenFor } from '../../test/support/test-app';
import { Principal } from '../common/auth/principal';
import { RequestConsistency } from '../common/http/consistency';
import { Page } from '../common/http/page';
import { CreateGroupDto } from './dto/create-group.dto';
import type { GroupMemberResponse, GroupResponse } from './dto/group.dto';
import { UpdateGroupDto } from './dto/update-group.dto';
import { GroupsController } from './groups.controller';
import { GroupsErrors } from './groups.errors';
import { GroupsService } from './groups.service';

const TENANT = '7d9f3c2e-1b4a-4c8e-9f0a-2b3c4d5e6f70';
const GROUP_ID = '3e5f7a9b-1c2d-4e3f-8a5b-6c7d8e9f0a1b';
const USER_ID = '2c4d6e8f-0a1b-4c3d-8e5f-6a7b8c9d0e1f';
const groups = (tenantId = TENANT) => `/api/v1/tenants/${tenantId}/groups`;
const group = (id = GROUP_ID) => `${groups()}/${id}`;
const members = (groupId = GROUP_ID) => `${group(groupId)}/members`;
const member = (userId = USER_ID, groupId = GROUP_ID) => `${members(groupId)}/${userId}`;

const ENGINEERING: GroupResponse = {
  id: GROUP_ID,
  tenant_id: TENANT,
  name: 'Engineering',
  description: 'Everyone who ships code',
  created_at: '2026-01-01T12:00:00.000Z',
  updated_at: '2026-01-02T12:00:00.000Z',
};

const ADA: GroupMemberResponse = {
  user_id: USER_ID,
  group_id: GROUP_ID,
  email: 'ada@example.com',
  display_name: 'Ada Lovelace',
  status: 'active',
  added_at: '2026-01-03T12:00:00.000Z',
};

type Method = 'create' | 'list' | 'get' | 'update' | 'remove' | 'listMembers' | 'addMember' | 'removeMember';
type Issue = [description: string, body: unknown, loc: Array<string | number>, type: string];

describe('GroupsController (no database: the service is a stub)', () => {
  let c: ControllerApp;
  const service = stubService<GroupsService, Method>([
    'create',
    'list',
    'get',
    'update',
    'remove',
    'listMembers',
    'addMember',
    'removeMember',
  ]);
  const token = tokenFor(TENANT, undefined, 'alice');

  beforeAll(async () => {
    c = await startControllerApp(GroupsController, [{ provide: GroupsService, useValue: service }]);
  });

  afterAll(async () => {
    await c.close();
  });

  beforeEach(() => {
    jest.resetAllMocks();
  });

  function expectActor(actor: unknown, requestId: string): void {
    expect(actor).toBeInstanceOf(Principal);
    expect(actor).toMatchObject({ subject: 'alice', tenantId: TENANT, requestId });
  }

  describe('what the service receives, and what the caller gets back', () => {
    it('create: the verified tenant (lower-cased), the actor and the DTO; 201 in the envelope', async () => {
      service.create.mockResolvedValue(ENGINEERING);
      const body = { name: 'Engineering', description: null };
      const response = await c.http.post(groups(TENANT.toUpperCase())).set(bearer(token)).send(body).expect(201);
      expectOne(response, ENGINEERING);
      const [tenantId, actor, dto] = service.create.mock.calls[0];
      expect(tenantId).toBe(TENANT);
      expectActor(actor, response.headers['x-request-id']);
      expect(dto).toStrictEqual(Object.assign(new CreateGroupDto(), body));
    });

    it('list: page, per_page and q parsed; the page in the paginated envelope', async () => {
      service.list.mockResolvedValue(new Page([ENGINEERING], 3, 2, 5));
      const response = await c.http.get(groups()).query({ page: '3', per_page: '2', q: 'eng' }).set(bearer(token)).expect(200);
      expectPage(response, { page: 3, per_page: 2, total_items: 5, total_pages: 3 }, [ENGINEERING]);
      expect(service.list).toHaveBeenCalledWith(TENANT, { page: 3, perPage: 2 }, 'eng', expect.any(RequestConsistency));
    });

    it('get: the id lower-cased; the group in the envelope', async () => {
      service.get.mockResolvedValue(ENGINEERING);
      expectOne(await c.http.get(group(GROUP_ID.toUpperCase())).set(bearer(token)).expect(200), ENGINEERING);
      expect(service.get).toHaveBeenCalledWith(TENANT, GROUP_ID);
    });

    it('update: only the fields sent reach the service, null included (it clears the description)', async () => {
      service.update.mockResolvedValue({ ...ENGINEERING, description: null });
      const response = await c.http.patch(group()).set(bearer(token)).send({ description: null }).expect(200);
      expectOne(response, { ...ENGINEERING, description: null });
      const [tenantId, groupId, actor, dto] = service.update.mock.calls[0];
      expect([tenantId, groupId]).toEqual([TENANT, GROUP_ID]);
      expectActor(actor, response.headers['x-request-id']);
      expect(dto).toStrictEqual(Object.assign(new UpdateGroupDto(), { description: null }));
    });

    it('delete: 204 with no body', async () => {
      service.remove.mockResolvedValue(undefined);
      const response = await c.http.delete(group()).set(bearer(token)).expect(204);
      expect(response.text).toBe('');
      const [tenantId, groupId, actor] = service.remove.mock.calls[0];
      expect([tenantId, groupId]).toEqual([TENANT, GROUP_ID]);
      expectActor(actor, response.headers['x-request-id']);
    });

    it('list members: the group and the page; the members in the paginated envelope', async () => {
      service.listMembers.mockResolvedValue(new Page([ADA], 1, 20, 1));
      const response = await c.http.get(members()).set(bearer(token)).expect(200);
      expectPage(response, { page: 1, per_page: 20, total_items: 1, total_pages: 1 }, [ADA]);
      expect(service.listMembers).toHaveBeenCalledWith(
        TENANT,
        GROUP_ID,
        { page: 1, perPage: 20 },
        expect.any(RequestConsistency),
      );
    });

    it('add member: the group, the user id from the body and the actor; 201 in the envelope', async () => {
      service.addMember.mockResolvedValue(ADA);
      const response = await c.http.post(members()).set(bearer(token)).send({ user_id: USER_ID }).expect(201);
      expectOne(response, ADA);
      const [tenantId, groupId, userId, actor] = service.addMember.mock.calls[0];
      expect([tenantId, groupId, userId]).toEqual([TENANT, GROUP_ID, USER_ID]);
      expectActor(actor, response.headers['x-request-id']);
    });

    it('remove member: both ids lower-cased; 204 with no body', async () => {
      service.removeMember.mockResolvedValue(undefined);
      const response = await c.http.delete(member(USER_ID.toUpperCase(), GROUP_ID.toUpperCase())).set(bearer(token)).expect(204);
      expect(response.text).toBe('');
      const [tenantId, groupId, userId, actor] = service.removeMember.mock.calls[0];
      expect([tenantId, groupId, userId]).toEqual([TENANT, GROUP_ID, USER_ID]);
      expectActor(actor, response.headers['x-request-id']);
    });

    it("answers the service's named errors in the contract's shape", async () => {
      service.addMember.mockRejectedValue(GroupsErrors.alreadyMember.error());
      const twice = await c.http.post(members()).set(bearer(token)).send({ user_id: USER_ID }).expect(409);
      expect(twice.body).toEqual({ detail: 'User is already a member of this group' });
      service.removeMember.mockRejectedValue(GroupsErrors.notMember.error());
      expectDetail(await c.http.delete(member()).set(bearer(token)).expect(404), /not a member/);
    });
  });

  describe('422 before the service', () => {
    afterEach(() => {
      expectServiceUntouched(service);
    });

    it.each<Issue>([
      ['a missing name', { description: 'x' }, ['body', 'name'], 'missing'],
      ['a name of the wrong type', { name: 7 }, ['body', 'name'], 'string_type'],
      ['an empty name', { name: '' }, ['body', 'name'], 'string_too_short'],
      ['a name too long', { name: 'x'.repeat(201) }, ['body', 'name'], 'string_too_long'],
      ['a description of the wrong type', { name: 'x', description: { text: 'x' } }, ['body', 'description'], 'string_type'],
      ['a description too long', { name: 'x', description: 'x'.repeat(1001) }, ['body', 'description'], 'string_too_long'],
      ['an extra field', { name: 'x', members: [] }, ['body', 'members'], 'extra_forbidden'],
      ['a null name', { name: null }, ['body', 'name'], 'none_forbidden'],
    ])('create: %s', async (_, body, loc, type) => {
      const response = await c.http
        .post(groups())
        .set(bearer(token))
        .send(body as object)
        .expect(422);
      expectValidationError(response.body, loc, type);
    });

    it.each<Issue>([
      ['a null name', { name: null }, ['body', 'name'], 'none_forbidden'],
      ['an empty name', { name: '' }, ['body', 'name'], 'string_too_short'],
      ['a name of the wrong type', { name: false }, ['body', 'name'], 'string_type'],
      ['an extra field', { id: randomUUID() }, ['body', 'id'], 'extra_forbidden'],
    ])('update: %s', async (_, body, loc, type) => {
      const response = await c.http
        .patch(group())
        .set(bearer(token))
        .send(body as object)
        .expect(422);
      expectValidationError(response.body, loc, type);
    });

    it.each<Issue>([
      ['a missing user_id', {}, ['body', 'user_id'], 'missing'],
      ['a malformed user_id', { user_id: 'not-a-uuid' }, ['body', 'user_id'], 'uuid_parsing'],
      ['a user_id of the wrong type', { user_id: 12 }, ['body', 'user_id'], 'uuid_parsing'],
      ['a null user_id', { user_id: null }, ['body', 'user_id'], 'none_forbidden'],
      ['an extra field', { user_id: USER_ID, role: 'owner' }, ['body', 'role'], 'extra_forbidden'],
    ])('add member: %s', async (_, body, loc, type) => {
      const response = await c.http
        .post(members())
        .set(bearer(token))
        .send(body as object)
        .expect(422);
      expectValidationError(response.body, loc, type);
    });

    it('create and add member: a missing body', async () => {
      for (const request of [c.http.post(groups()), c.http.post(members())]) {
        const response = await request.set(bearer(token)).expect(422);
        expectValidationError(response.body, ['body'], 'missing');
      }
    });

    it('create, update and add member: malformed JSON is json_invalid', async () => {
      for (const request of [c.http.post(groups()), c.http.patch(group()), c.http.post(members())]) {
        const response = await request
          .set(bearer(token))
          .set('Content-Type', 'application/json')
          .send('{name: unquoted}')
          .expect(422);
        expectValidationError(response.body, ['body'], 'json_invalid');
      }
    });

    it.each([
      ['groups', 'per_page', '101', 'less_than_equal'],
      ['groups', 'per_page', '0', 'greater_than_equal'],
      ['groups', 'page', '0', 'greater_than_equal'],
      ['groups', 'page', 'x', 'int_parsing'],
      ['groups', 'q', 'x'.repeat(201), 'string_too_long'],
      ['members', 'per_page', '101', 'less_than_equal'],
      ['members', 'page', '0', 'greater_than_equal'],
      ['members', 'page', '1' + '0'.repeat(25), 'less_than_equal'],
    ])('list %s: %s=%s', async (list, name, value, type) => {
      const response = await c.http
        .get(list === 'groups' ? groups() : members())
        .query({ [name]: value })
        .set(bearer(token))
        .expect(422);
      expectValidationError(response.body, ['query', name], type);
    });

    it.each([
      ['get', () => c.http.get(group('nope'))],
      ['update', () => c.http.patch(group('nope')).send({ name: 'x' })],
      ['delete', () => c.http.delete(group('nope'))],
      ['list members', () => c.http.get(members('nope'))],
      ['add member', () => c.http.post(members('nope')).send({ user_id: USER_ID })],
      ['remove member', () => c.http.delete(member(USER_ID, 'nope'))],
    ])('%s: a malformed group id in the path names group_id', async (_, request) => {
      const response = await request().set(bearer(token)).expect(422);
      expectValidationError(response.body, ['path', 'group_id'], 'uuid_parsing');
    });

    it('remove member: a malformed user id in the path names user_id', async () => {
      const response = await c.http.delete(member('bob')).set(bearer(token)).expect(422);
      expectValidationError(response.body, ['path', 'user_id'], 'uuid_parsing');
    });

    it('a malformed tenant id in the path names tenant_id', async () => {
      const response = await c.http.get(groups('acme')).set(bearer(token)).expect(422);
      expectValidationError(response.body, ['path', 'tenant_id'], 'uuid_parsing');
    });
  });

  describe('401 and 403 before the service', () => {
    const requests = () => [
      { name: 'list', write: false, run: () => c.http.get(groups()) },
      { name: 'create', write: true, run: () => c.http.post(groups()).send({ name: 'x' }) },
      { name: 'get', write: false, run: () => c.http.get(group()) },
      { name: 'update', write: true, run: () => c.http.patch(group()).send({ name: 'y' }) },
      { name: 'delete', write: true, run: () => c.http.delete(group()) },
      { name: 'list members', write: false, run: () => c.http.get(members()) },
      { name: 'add member', write: true, run: () => c.http.post(members()).send({ user_id: USER_ID }) },
      { name: 'remove member', write: true, run: () => c.http.delete(member()) },
    ];

    afterEach(() => {
      expectServiceUntouched(service);
    });

    it('401 without a token, and for a token that does not verify', async () => {
      for (const request of requests()) {
        expectUnauthenticated(await request.run());
        const invalid = await request.run().set('Authorization', 'Bearer not.a.jwt');
        expectUnauthenticated(invalid);
        expect(invalid.headers['www-authenticate']).toContain('invalid_token');
      }
    });

    it("403 with another tenant's token", async () => {
      const foreign = tokenFor(randomUUID());
      for (const request of requests()) {
        const response = await request.run().set(bearer(foreign));
        expect({ name: request.name, status: response.status }).toEqual({ name: request.name, status: 403 });
        expect(response.body).toEqual({ detail: 'Token is not valid for this tenant' });
      }
    });

    it('403 naming groups:write for writes with only groups:read (and the users scopes)', async () => {
      const readOnly = tokenFor(TENANT, ['groups:read', 'users:read', 'users:write']);
      for (const request of requests().filter(({ write }) => write)) {
        const response = await request.run().set(bearer(readOnly));
        expect({ name: request.name, status: response.status }).toEqual({ name: request.name, status: 403 });
        expect(response.body).toEqual({ detail: 'Missing required scope: groups:write' });
      }
    });

    it('403 naming groups:read for reads without it', async () => {
      const noRead = tokenFor(TENANT, ['groups:write', 'users:read']);
      for (const request of requests().filter(({ write }) => !write)) {
        const response = await request.run().set(bearer(noRead));
        expect({ name: request.name, status: response.status }).toEqual({ name: request.name, status: 403 });
        expect(response.body).toEqual({ detail: 'Missing required scope: groups:read' });
      }
    });
  });
});
