import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app';
import { bearer, platformAdminToken, tokenFor } from './test-app';

export interface TenantFixture {
  id: string;
  token: string;
}

/** A new tenant through the API, with a token holding every tenant scope. */
export async function createTenant(t: TestApp, name = 'Tenant'): Promise<TenantFixture> {
  const slug = `t-${randomUUID().slice(0, 18)}`;
  const response = await t.http.post('/api/v1/tenants').set(bearer(platformAdminToken())).send({ name, slug }).expect(201);
  const id = response.body.data.id as string;
  return { id, token: tokenFor(id) };
}

export async function createUser(t: TestApp, tenant: TenantFixture, email?: string, displayName = 'Test User'): Promise<string> {
  const response = await t.http
    .post(`/api/v1/tenants/${tenant.id}/users`)
    .set(bearer(tenant.token))
    .send({ email: email ?? `${randomUUID()}@example.com`, display_name: displayName })
    .expect(201);
  return response.body.data.id;
}

export async function createGroup(t: TestApp, tenant: TenantFixture, name?: string): Promise<string> {
  const response = await t.http
    .post(`/api/v1/tenants/${tenant.id}/groups`)
    .set(bearer(tenant.token))
    .send({ name: name ?? `group-${randomUUID()}` })
    .expect(201);
  return response.body.data.id;
}

export async function addMember(t: TestApp, tenant: TenantFixture, groupId: string, userId: string): Promise<void> {
  await t.http
    .post(`/api/v1/tenants/${tenant.id}/groups/${groupId}/members`)
    .set(bearer(tenant.token))
    .send({ user_id: userId })
    .expect(201);
}

export async function createApplication(t: TestApp, tenant: TenantFixture, name?: string): Promise<string> {
  const response = await t.http
    .post(`/api/v1/tenants/${tenant.id}/applications`)
    .set(bearer(tenant.token))
    .send({ name: name ?? `app-${randomUUID()}` })
    .expect(201);
  return response.body.data.id;
}

/** The reference's 422 body: `{"detail": [{"loc", "msg", "type"}]}`. */
export function expectValidationError(body: unknown, loc: Array<string | number>, type?: string): void {
  const detail = (body as { detail: Array<{ loc: unknown[]; msg: unknown; type: unknown }> }).detail;
  expect(Array.isArray(detail)).toBe(true);
  for (const issue of detail) {
    expect(Array.isArray(issue.loc)).toBe(true);
    expect(typeof issue.msg).toBe('string');
    expect(typeof issue.type).toBe('string');
  }
  const match = detail.find((issue) => JSON.stringify(issue.loc) === JSON.stringify(loc));
  expect(match).toBeDefined();
  if (type) expect(match!.type).toBe(type);
}
