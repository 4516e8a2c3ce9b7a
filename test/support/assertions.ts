import type { Response } from 'supertest';
import type { TestApp } from './test-app';

/** ISO 8601 in UTC, as `Date.prototype.toISOString()` writes it. */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** A lower-case RFC 4122 UUID. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** An application's client_id: `app_` and 32 URL-safe base64 characters (192 random bits). */
export const CLIENT_ID = /^app_[A-Za-z0-9_-]{32}$/;

/** `meta` of a success envelope: the request id the response header carries, and an ISO UTC timestamp. */
export function expectMeta(response: Response): void {
  expect(response.body.meta).toEqual({ request_id: expect.any(String), timestamp: expect.stringMatching(ISO_UTC) });
  expect(response.body.meta.request_id).toBe(response.headers['x-request-id']);
  const age = Date.now() - Date.parse(response.body.meta.timestamp);
  expect(age).toBeGreaterThanOrEqual(-5_000);
  expect(age).toBeLessThan(60_000);
}

/** `{data, meta}` and nothing else. */
export function expectOne(response: Response, data: unknown): void {
  expect(Object.keys(response.body).sort()).toEqual(['data', 'meta']);
  expect(response.body.data).toEqual(data);
  expectMeta(response);
}

export interface Pagination {
  page: number;
  per_page: number;
  total_items: number;
  total_pages: number;
}

/** `{data, pagination, meta}` and nothing else. */
export function expectPage(response: Response, pagination: Pagination, data?: unknown[]): void {
  expect(Object.keys(response.body).sort()).toEqual(['data', 'meta', 'pagination']);
  expect(Array.isArray(response.body.data)).toBe(true);
  expect(response.body.pagination).toEqual(pagination);
  if (data) expect(response.body.data).toEqual(data);
  expectMeta(response);
}

/** Every error but 422: `{"detail": "message"}`. */
export function expectDetail(response: Response, pattern?: RegExp): void {
  expect(response.body).toEqual({ detail: expect.any(String) });
  expect(response.body.detail.length).toBeGreaterThan(0);
  if (pattern) expect(response.body.detail).toMatch(pattern);
}

/** 401 with a Bearer challenge (RFC 6750) and the plain error shape. */
export function expectUnauthenticated(response: Response): void {
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
  expectDetail(response);
}

export function ids(response: Response, key = 'id'): string[] {
  return (response.body.data as Array<Record<string, string>>).map((row) => row[key]);
}

export async function countRows(t: TestApp, table: string, where: string, parameters: unknown[]): Promise<number> {
  const rows: Array<{ count: string }> = await t.dataSource.query(
    `SELECT count(*) AS count FROM ${table} WHERE ${where}`,
    parameters,
  );
  return Number(rows[0].count);
}

/** Every row of a tenant-scoped table for one tenant, to show that a failed request changed nothing. */
export async function snapshot(t: TestApp, table: string, tenantId: string): Promise<unknown[]> {
  return t.dataSource.query(`SELECT * FROM ${table} WHERE tenant_id = $1 ORDER BY 1, 2, 3`, [tenantId]);
}

/** A syntactically valid UUID that names nothing. */
export const UNKNOWN_ID = '5b0e8f3a-7c1d-4e2f-9a3b-6c5d4e3f2a10';

/** Lets the clock move on, so that a later timestamp is visibly later (they have millisecond precision). */
export function pause(ms = 15): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `updated_at` moved forward past the earlier value; `created_at` did not move. */
export function expectTouched(
  after: { created_at: string; updated_at: string },
  before: { created_at: string; updated_at: string },
): void {
  expect(after.created_at).toBe(before.created_at);
  expect(Date.parse(after.updated_at)).toBeGreaterThan(Date.parse(before.updated_at));
}
