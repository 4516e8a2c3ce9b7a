import { randomUUID } from 'node:crypto';
import { expectDetail, expectOne, expectPage, expectUnauthenticated } from '../../test/support/assertions';
import { ControllerApp, expectServiceUntouched, startControllerApp, stubService } from '../../test/support/controller-app';
import { expectValidationError } from '../../test/support/fixtures';
import { bearer, platformAdminToken, tokenFor } from '../../test/support/test-app';
import { Principal } from '../common/auth/principal';
import { RequestConsistency } from '../common/http/consistency';
import { Page } from '../common/http/page';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import type { UserResponse } from './dto/user.dto';
import { UsersController } from './users.controller';
import { UsersErrors } from './users.errors';
import { UsersService } from './users.service';

const TENANT = '7d9f3c2e-1b4a-4c8e-9f0a-2b3c4d5e6f70';
const USER_ID = '2c4d6e8f-0a1b-4c3d-8e5f-6a7b8c9d0e1f';
const users = (tenantId = TENANT) => `/api/v1/tenants/${tenantId}/users`;
const user = (id = USER_ID, tenantId = TENANT) => `${users(tenantId)}/${id}`;

const ADA: UserResponse = {
  id: USER_ID,
  tenant_id: TENANT,
  email: 'ada@example.com',
  display_name: 'Ada Lovelace',
  status: 'active',
  created_at: '2026-01-01T12:00:00.000Z',
  updated_at: '2026-01-02T12:00:00.000Z',
};

type Method = 'create' | 'list' | 'get' | 'update' | 'remove';
type Issue = [description: string, body: unknown, loc: Array<string | number>, type: string];

describe('UsersController (no database: the service is a stub)', () => {
  let c: ControllerApp;
  const service = stubService<UsersService, Method>(['create', 'list', 'get', 'update', 'remove']);
  const token = tokenFor(TENANT, undefined, 'alice');

  beforeAll(async () => {
    c = await startControllerApp(UsersController, [{ provide: UsersService, useValue: service }]);
  });

  afterAll(async () => {
    await c.close();
  });

  beforeEach(() => {
    jest.resetAllMocks();
  });

  /** The actor a write received: the token's subject, in its tenant, for this request. */
  function expectActor(actor: unknown, requestId: string, subject = 'alice', tenantId: string | undefined = TENANT): void {
    expect(actor).toBeInstanceOf(Principal);
    expect(actor).toMatchObject({ subject, tenantId, requestId });
  }

  describe('what the service receives, and what the caller gets back', () => {
    it('create: the verified tenant (lower-cased), the actor and the DTO with the fields sent; 201 in the envelope', async () => {
      service.create.mockResolvedValue(ADA);
      const body = { email: 'Ada@Example.com', display_name: 'Ada Lovelace' };
      const response = await c.http.post(users(TENANT.toUpperCase())).set(bearer(token)).send(body).expect(201);
      expectOne(response, ADA);
      expect(service.create).toHaveBeenCalledTimes(1);
      const [tenantId, actor, dto] = service.create.mock.calls[0];
      expect(tenantId).toBe(TENANT);
      expectActor(actor, response.headers['x-request-id']);
      expect(dto).toStrictEqual(Object.assign(new CreateUserDto(), body));
    });

    it('create: a platform admin acts in the tenant of the path', async () => {
      service.create.mockResolvedValue(ADA);
      const response = await c.http
        .post(users())
        .set(bearer(platformAdminToken('root')))
        .send({ email: 'ada@example.com', display_name: 'Ada', status: 'suspended' })
        .expect(201);
      const [tenantId, actor, dto] = service.create.mock.calls[0];
      expect(tenantId).toBe(TENANT);
      expectActor(actor, response.headers['x-request-id'], 'root', '00000000-0000-0000-0000-000000000000');
      expect(dto).toStrictEqual(
        Object.assign(new CreateUserDto(), { email: 'ada@example.com', display_name: 'Ada', status: 'suspended' }),
      );
    });

    it('list: page, per_page and q parsed, unknown parameters dropped; the page in the paginated envelope', async () => {
      service.list.mockResolvedValue(new Page([ADA], 2, 5, 11));
      const response = await c.http
        .get(users())
        .query({ page: '2', per_page: '5', q: 'ada', cache_buster: '123' })
        .set(bearer(token))
        .expect(200);
      expectPage(response, { page: 2, per_page: 5, total_items: 11, total_pages: 3 }, [ADA]);
      expect(service.list).toHaveBeenCalledWith(TENANT, { page: 2, perPage: 5 }, 'ada', expect.any(RequestConsistency));
    });

    it('list: the Consistency-Token header reaches the service as the position it names', async () => {
      service.list.mockResolvedValue(new Page([], 1, 20, 0));
      await c.http.get(users()).set(bearer(token)).set('Consistency-Token', '1/A0').expect(200);
      const consistency = service.list.mock.calls[0][3] as RequestConsistency;
      expect(consistency.position).toBe((1n << 32n) + 0xa0n);
    });

    it('list: page 1 of 20 and no q by default; an empty page has total_pages 0', async () => {
      service.list.mockResolvedValue(new Page([], 1, 20, 0));
      const response = await c.http.get(users()).set(bearer(token)).expect(200);
      expectPage(response, { page: 1, per_page: 20, total_items: 0, total_pages: 0 }, []);
      expect(service.list).toHaveBeenCalledWith(TENANT, { page: 1, perPage: 20 }, undefined, expect.any(RequestConsistency));
    });

    it('get: the id lower-cased; the user in the envelope', async () => {
      service.get.mockResolvedValue(ADA);
      const response = await c.http.get(user(USER_ID.toUpperCase())).set(bearer(token)).expect(200);
      expectOne(response, ADA);
      expect(service.get).toHaveBeenCalledWith(TENANT, USER_ID);
    });

    it('update: only the fields sent reach the service, with the actor', async () => {
      service.update.mockResolvedValue({ ...ADA, display_name: 'After' });
      const response = await c.http.patch(user()).set(bearer(token)).send({ display_name: 'After' }).expect(200);
      expectOne(response, { ...ADA, display_name: 'After' });
      const [tenantId, userId, actor, dto] = service.update.mock.calls[0];
      expect([tenantId, userId]).toEqual([TENANT, USER_ID]);
      expectActor(actor, response.headers['x-request-id']);
      expect(dto).toStrictEqual(Object.assign(new UpdateUserDto(), { display_name: 'After' }));
    });

    it('update: an empty body reaches the service as a DTO with no fields', async () => {
      service.update.mockResolvedValue(ADA);
      await c.http.patch(user()).set(bearer(token)).send({}).expect(200);
      expect(service.update.mock.calls[0][3]).toStrictEqual(new UpdateUserDto());
    });

    it('delete: 204 with no body and no content type', async () => {
      service.remove.mockResolvedValue(undefined);
      const response = await c.http.delete(user()).set(bearer(token)).expect(204);
      expect(response.text).toBe('');
      expect(response.headers['content-type']).toBeUndefined();
      const [tenantId, userId, actor] = service.remove.mock.calls[0];
      expect([tenantId, userId]).toEqual([TENANT, USER_ID]);
      expectActor(actor, response.headers['x-request-id']);
    });

    it("answers the service's named errors in the contract's shape", async () => {
      service.get.mockRejectedValue(UsersErrors.notFound.error());
      const missing = await c.http.get(user()).set(bearer(token)).expect(404);
      expect(missing.body).toEqual({ detail: 'User not found' });
      service.create.mockRejectedValue(UsersErrors.emailTaken.error());
      const taken = await c.http.post(users()).set(bearer(token)).send({ email: 'a@example.com', display_name: 'A' }).expect(409);
      expectDetail(taken, /already exists/);
    });
  });

  describe('422 before the service', () => {
    afterEach(() => {
      expectServiceUntouched(service);
    });

    it.each<Issue>([
      ['missing email', { display_name: 'x' }, ['body', 'email'], 'missing'],
      ['missing display_name', { email: 'x@example.com' }, ['body', 'display_name'], 'missing'],
      ['email of the wrong type', { email: 42, display_name: 'x' }, ['body', 'email'], 'string_type'],
      [
        'display_name of the wrong type',
        { email: 'x@example.com', display_name: ['x'] },
        ['body', 'display_name'],
        'string_type',
      ],
      ['an invalid email', { email: 'not-an-email', display_name: 'x' }, ['body', 'email'], 'value_error'],
      ['an empty display_name', { email: 'x@example.com', display_name: '' }, ['body', 'display_name'], 'string_too_short'],
      [
        'a display_name too long',
        { email: 'x@example.com', display_name: 'x'.repeat(201) },
        ['body', 'display_name'],
        'string_too_long',
      ],
      ['an unknown status', { email: 'x@example.com', display_name: 'x', status: 'deleted' }, ['body', 'status'], 'enum'],
      ['an extra field', { email: 'x@example.com', display_name: 'x', role: 'admin' }, ['body', 'role'], 'extra_forbidden'],
      ['a client-chosen id', { email: 'x@example.com', display_name: 'x', id: randomUUID() }, ['body', 'id'], 'extra_forbidden'],
      ['a null email', { email: null, display_name: 'x' }, ['body', 'email'], 'none_forbidden'],
      ['a null status', { email: 'x@example.com', display_name: 'x', status: null }, ['body', 'status'], 'none_forbidden'],
      ['a body that is a list', [{ email: 'x@example.com', display_name: 'x' }], ['body'], 'model_attributes_type'],
    ])('create: %s', async (_, body, loc, type) => {
      const response = await c.http
        .post(users())
        .set(bearer(token))
        .send(body as object)
        .expect(422);
      expectValidationError(response.body, loc, type);
    });

    it('create: a missing body', async () => {
      const response = await c.http.post(users()).set(bearer(token)).expect(422);
      expect(response.body).toEqual({ detail: [{ loc: ['body'], msg: 'Field required', type: 'missing' }] });
    });

    it('create and update: malformed JSON is json_invalid', async () => {
      for (const request of [c.http.post(users()), c.http.patch(user())]) {
        const response = await request
          .set(bearer(token))
          .set('Content-Type', 'application/json')
          .send('{"email": "a@example.com", ')
          .expect(422);
        expect(response.body).toEqual({ detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] });
      }
    });

    it.each<Issue>([
      ['a null email', { email: null }, ['body', 'email'], 'none_forbidden'],
      ['a null display_name', { display_name: null }, ['body', 'display_name'], 'none_forbidden'],
      ['a null status', { status: null }, ['body', 'status'], 'none_forbidden'],
      ['an invalid email', { email: 'nope' }, ['body', 'email'], 'value_error'],
      ['an empty display_name', { display_name: '' }, ['body', 'display_name'], 'string_too_short'],
      ['an unknown status', { status: 'gone' }, ['body', 'status'], 'enum'],
      ['an extra field', { tenant_id: randomUUID() }, ['body', 'tenant_id'], 'extra_forbidden'],
    ])('update: %s', async (_, body, loc, type) => {
      const response = await c.http
        .patch(user())
        .set(bearer(token))
        .send(body as object)
        .expect(422);
      expectValidationError(response.body, loc, type);
    });

    it.each([
      ['per_page', '101', 'less_than_equal'],
      ['per_page', '0', 'greater_than_equal'],
      ['per_page', '-1', 'greater_than_equal'],
      ['per_page', 'ten', 'int_parsing'],
      ['per_page', '2.5', 'int_parsing'],
      ['page', '0', 'greater_than_equal'],
      ['page', '-3', 'greater_than_equal'],
      ['page', 'first', 'int_parsing'],
      ['page', '100000000000000000000000', 'less_than_equal'],
      ['q', 'x'.repeat(201), 'string_too_long'],
    ])('list: %s=%s', async (name, value, type) => {
      const response = await c.http
        .get(users())
        .query({ [name]: value })
        .set(bearer(token))
        .expect(422);
      expectValidationError(response.body, ['query', name], type);
    });

    it.each([
      ['get', () => c.http.get(user('not-a-uuid'))],
      ['update', () => c.http.patch(user('not-a-uuid')).send({ display_name: 'x' })],
      ['delete', () => c.http.delete(user('123'))],
    ])('%s: a malformed user id in the path names user_id', async (_, request) => {
      const response = await request().set(bearer(token)).expect(422);
      expect(response.body).toEqual({
        detail: [{ loc: ['path', 'user_id'], msg: 'Input should be a valid UUID', type: 'uuid_parsing' }],
      });
    });

    it('a malformed tenant id in the path names tenant_id', async () => {
      for (const request of [
        c.http.get(users('acme')),
        c.http.post(users('acme')).send({ email: 'a@example.com', display_name: 'A' }),
      ]) {
        const response = await request.set(bearer(token)).expect(422);
        expectValidationError(response.body, ['path', 'tenant_id'], 'uuid_parsing');
      }
    });
  });

  describe('401 and 403 before the service', () => {
    const requests = () => [
      { name: 'list', write: false, run: () => c.http.get(users()) },
      { name: 'create', write: true, run: () => c.http.post(users()).send({ email: 'a@example.com', display_name: 'A' }) },
      { name: 'get', write: false, run: () => c.http.get(user()) },
      { name: 'update', write: true, run: () => c.http.patch(user()).send({ display_name: 'Hijacked' }) },
      { name: 'delete', write: true, run: () => c.http.delete(user()) },
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

    it("403 with another tenant's token, even with a body that would not validate", async () => {
      const foreign = tokenFor(randomUUID());
      for (const request of requests()) {
        const response = await request.run().set(bearer(foreign));
        expect({ name: request.name, status: response.status }).toEqual({ name: request.name, status: 403 });
        expect(response.body).toEqual({ detail: 'Token is not valid for this tenant' });
      }
      const invalidBody = await c.http.post(users()).set(bearer(foreign)).send({ role: 'admin' }).expect(403);
      expectDetail(invalidBody);
    });

    it('403 naming users:write for writes with only users:read', async () => {
      const readOnly = tokenFor(TENANT, ['users:read']);
      for (const request of requests().filter(({ write }) => write)) {
        const response = await request.run().set(bearer(readOnly));
        expect({ name: request.name, status: response.status }).toEqual({ name: request.name, status: 403 });
        expect(response.body).toEqual({ detail: 'Missing required scope: users:write' });
      }
    });

    it('403 naming users:read for reads without it', async () => {
      const noRead = tokenFor(TENANT, ['groups:read', 'groups:write', 'users:write']);
      for (const request of requests().filter(({ write }) => !write)) {
        const response = await request.run().set(bearer(noRead));
        expect({ name: request.name, status: response.status }).toEqual({ name: request.name, status: 403 });
        expect(response.body).toEqual({ detail: 'Missing required scope: users:read' });
      }
    });
  });
});
