import { randomUUID } from 'node:crypto';
import { expectOne, expectPage, expectUnauthenticated } from '../../test/support/assertions';
import { ControllerApp, expectServiceUntouched, startControllerApp, stubService } from '../../test/support/controller-app';
import { expectValidationError } from '../../test/support/fixtures';
import { bearer, tokenFor } from '../../test/support/test-app';
import { Principal } from '../common/auth/principal';
import { RequestConsistency } from '../common/http/consistency';
import { Page } from '../common/http/page';
import { ApplicationsController } from './applications.controller';
import { ApplicationsErrors } from './applications.errors';
import { ApplicationsService } from './applications.service';
import type { ApplicationResponse } from './dto/application.dto';
import { CreateApplicationDto } from './dto/create-application.dto';
import { UpdateApplicationDto } from './dto/update-application.dto';

const TENANT = '7d9f3c2e-1b4a-4c8e-9f0a-2b3c4d5e6f70';
const APPLICATION_ID = '4f6a8b0c-2d3e-4f5a-9b6c-7d8e9f0a1b2c';
const applications = (tenantId = TENANT) => `/api/v1/tenants/${tenantId}/applications`;
const application = (id = APPLICATION_ID) => `${applications()}/${id}`;

const PAYROLL: ApplicationResponse = {
  id: APPLICATION_ID,
  tenant_id: TENANT,
  name: 'Payroll',
  description: 'Monthly payslips',
  client_id: 'app_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  status: 'active',
  created_at: '2026-01-01T12:00:00.000Z',
  updated_at: '2026-01-02T12:00:00.000Z',
};

type Method = 'create' | 'list' | 'get' | 'update' | 'remove';
type Issue = [description: string, body: unknown, loc: Array<string | number>, type: string];

describe('ApplicationsController (no database: the service is a stub)', () => {
  let c: ControllerApp;
  const service = stubService<ApplicationsService, Method>(['create', 'list', 'get', 'update', 'remove']);
  const token = tokenFor(TENANT, undefined, 'alice');

  beforeAll(async () => {
    c = await startControllerApp(ApplicationsController, [{ provide: ApplicationsService, useValue: service }]);
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
      service.create.mockResolvedValue(PAYROLL);
      const body = { name: 'Payroll', description: 'Monthly payslips', status: 'inactive' };
      const response = await c.http.post(applications(TENANT.toUpperCase())).set(bearer(token)).send(body).expect(201);
      expectOne(response, PAYROLL);
      const [tenantId, actor, dto] = service.create.mock.calls[0];
      expect(tenantId).toBe(TENANT);
      expectActor(actor, response.headers['x-request-id']);
      expect(dto).toStrictEqual(Object.assign(new CreateApplicationDto(), body));
    });

    it('list: page, per_page and q parsed; the page in the paginated envelope', async () => {
      service.list.mockResolvedValue(new Page([PAYROLL], 2, 4, 6));
      const response = await c.http
        .get(applications())
        .query({ page: '2', per_page: '4', q: 'pay' })
        .set(bearer(token))
        .expect(200);
      expectPage(response, { page: 2, per_page: 4, total_items: 6, total_pages: 2 }, [PAYROLL]);
      expect(service.list).toHaveBeenCalledWith(TENANT, { page: 2, perPage: 4 }, 'pay', expect.any(RequestConsistency));
    });

    it('get: the id lower-cased; the application in the envelope', async () => {
      service.get.mockResolvedValue(PAYROLL);
      expectOne(await c.http.get(application(APPLICATION_ID.toUpperCase())).set(bearer(token)).expect(200), PAYROLL);
      expect(service.get).toHaveBeenCalledWith(TENANT, APPLICATION_ID);
    });

    it('update: only the fields sent reach the service, null included (it clears the description)', async () => {
      service.update.mockResolvedValue({ ...PAYROLL, status: 'inactive', description: null });
      const response = await c.http
        .patch(application())
        .set(bearer(token))
        .send({ status: 'inactive', description: null })
        .expect(200);
      expectOne(response, { ...PAYROLL, status: 'inactive', description: null });
      const [tenantId, applicationId, actor, dto] = service.update.mock.calls[0];
      expect([tenantId, applicationId]).toEqual([TENANT, APPLICATION_ID]);
      expectActor(actor, response.headers['x-request-id']);
      expect(dto).toStrictEqual(Object.assign(new UpdateApplicationDto(), { status: 'inactive', description: null }));
    });

    it('delete: 204 with no body', async () => {
      service.remove.mockResolvedValue(undefined);
      const response = await c.http.delete(application()).set(bearer(token)).expect(204);
      expect(response.text).toBe('');
      const [tenantId, applicationId, actor] = service.remove.mock.calls[0];
      expect([tenantId, applicationId]).toEqual([TENANT, APPLICATION_ID]);
      expectActor(actor, response.headers['x-request-id']);
    });

    it("answers the service's named errors in the contract's shape", async () => {
      service.get.mockRejectedValue(ApplicationsErrors.notFound.error());
      const response = await c.http.get(application()).set(bearer(token)).expect(404);
      expect(response.body).toEqual({ detail: 'Application not found' });
    });
  });

  describe('422 before the service', () => {
    afterEach(() => {
      expectServiceUntouched(service);
    });

    it.each<Issue>([
      ['a missing name', {}, ['body', 'name'], 'missing'],
      ['a name of the wrong type', { name: 1 }, ['body', 'name'], 'string_type'],
      ['an empty name', { name: '' }, ['body', 'name'], 'string_too_short'],
      ['a name too long', { name: 'n'.repeat(201) }, ['body', 'name'], 'string_too_long'],
      ['a description too long', { name: 'x', description: 'd'.repeat(1001) }, ['body', 'description'], 'string_too_long'],
      ['an unknown status', { name: 'x', status: 'enabled' }, ['body', 'status'], 'enum'],
      ['a null status', { name: 'x', status: null }, ['body', 'status'], 'none_forbidden'],
      ['an extra field', { name: 'x', secret: 's' }, ['body', 'secret'], 'extra_forbidden'],
      ['a client-chosen client_id', { name: 'Chosen', client_id: 'app_mine' }, ['body', 'client_id'], 'extra_forbidden'],
    ])('create: %s', async (_, body, loc, type) => {
      const response = await c.http
        .post(applications())
        .set(bearer(token))
        .send(body as object)
        .expect(422);
      expectValidationError(response.body, loc, type);
    });

    it.each<Issue>([
      ['a null name', { name: null }, ['body', 'name'], 'none_forbidden'],
      ['a null status', { status: null }, ['body', 'status'], 'none_forbidden'],
      ['an unknown status', { status: 'deleted' }, ['body', 'status'], 'enum'],
      ['a description of the wrong type', { description: 3 }, ['body', 'description'], 'string_type'],
      ['a client_id', { name: 'Renamed', client_id: 'app_mine' }, ['body', 'client_id'], 'extra_forbidden'],
    ])('update: %s', async (_, body, loc, type) => {
      const response = await c.http
        .patch(application())
        .set(bearer(token))
        .send(body as object)
        .expect(422);
      expectValidationError(response.body, loc, type);
    });

    it('create and update: malformed JSON is json_invalid', async () => {
      for (const request of [c.http.post(applications()), c.http.patch(application())]) {
        const response = await request
          .set(bearer(token))
          .set('Content-Type', 'application/json')
          .send('{"name": "Payroll"')
          .expect(422);
        expectValidationError(response.body, ['body'], 'json_invalid');
      }
    });

    it('create: a missing body', async () => {
      expectValidationError((await c.http.post(applications()).set(bearer(token)).expect(422)).body, ['body'], 'missing');
    });

    it.each([
      ['per_page', '101', 'less_than_equal'],
      ['per_page', '0', 'greater_than_equal'],
      ['page', '0', 'greater_than_equal'],
      ['page', '1e3x', 'int_parsing'],
      ['q', 'x'.repeat(201), 'string_too_long'],
    ])('list: %s=%s', async (name, value, type) => {
      const response = await c.http
        .get(applications())
        .query({ [name]: value })
        .set(bearer(token))
        .expect(422);
      expectValidationError(response.body, ['query', name], type);
    });

    it.each([
      ['get', () => c.http.get(application('payroll'))],
      ['update', () => c.http.patch(application('payroll')).send({ name: 'x' })],
      ['delete', () => c.http.delete(application('00000000-0000-0000-0000-00000000000g'))],
    ])('%s: a malformed application id in the path names application_id', async (_, request) => {
      const response = await request().set(bearer(token)).expect(422);
      expectValidationError(response.body, ['path', 'application_id'], 'uuid_parsing');
    });

    it('a malformed tenant id in the path names tenant_id', async () => {
      const response = await c.http.get(applications('acme')).set(bearer(token)).expect(422);
      expectValidationError(response.body, ['path', 'tenant_id'], 'uuid_parsing');
    });
  });

  describe('401 and 403 before the service', () => {
    const requests = () => [
      { name: 'list', write: false, run: () => c.http.get(applications()) },
      { name: 'create', write: true, run: () => c.http.post(applications()).send({ name: 'x' }) },
      { name: 'get', write: false, run: () => c.http.get(application()) },
      { name: 'update', write: true, run: () => c.http.patch(application()).send({ name: 'Hijacked' }) },
      { name: 'delete', write: true, run: () => c.http.delete(application()) },
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

    it('403 naming applications:write for writes with only applications:read', async () => {
      const readOnly = tokenFor(TENANT, ['applications:read', 'assignments:write']);
      for (const request of requests().filter(({ write }) => write)) {
        const response = await request.run().set(bearer(readOnly));
        expect({ name: request.name, status: response.status }).toEqual({ name: request.name, status: 403 });
        expect(response.body).toEqual({ detail: 'Missing required scope: applications:write' });
      }
    });

    it('403 naming applications:read for reads without it', async () => {
      const noRead = tokenFor(TENANT, ['applications:write']);
      for (const request of requests().filter(({ write }) => !write)) {
        const response = await request.run().set(bearer(noRead));
        expect({ name: request.name, status: response.status }).toEqual({ name: request.name, status: 403 });
        expect(response.body).toEqual({ detail: 'Missing required scope: applications:read' });
      }
    });
  });
});
