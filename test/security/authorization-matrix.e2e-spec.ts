import type { Response } from 'supertest';
import { PLATFORM_ADMIN } from '../../src/common/auth/scopes';
import { fingerprint, fingerprintDiff, sameFingerprint } from '../support/db-fingerprint';
import { IsolatedApp, startIsolatedApp } from '../support/isolated-app';
import {
  allTenantScopesBut,
  ApiOperation,
  bodyIdFields,
  createWorld,
  fillUrl,
  hasTenantInPath,
  idOf,
  Kind,
  kindOfIdName,
  LoadedDocument,
  loadOperations,
  pathParameters,
  queryParameters,
  READ_ONLY_SCOPES,
  recordPastDeletions,
  requiredScope,
  validBody,
  World,
  worldPathValues,
  worldQueryValues,
  worldToken,
} from '../support/openapi-operations';
import { bearer, platformAdminToken, tokenFor } from '../support/test-app';

/**
 * Every operation of the OpenAPI document the code emits × every kind of caller. Nothing
 * here lists endpoints: an operation added later is in the matrix automatically, with
 * the scope its path implies (see requiredScope()).
 */
describe('Authorization matrix (generated from the OpenAPI document)', () => {
  let t: IsolatedApp;
  let loaded: LoadedDocument;
  let operations: ApiOperation[];
  /** The tenant whose paths the denied callers try. */
  let home: World;
  /** Another tenant, whose token must not work on `home`, and whose ids must be unknown in `home`. */
  let foreign: World;

  const counts = { cells: 0, denied: 0, allowed: 0, crossTenantIds: 0, fiveHundreds: 0 };

  beforeAll(async () => {
    // No background worker: "nothing changed" compares whole databases, and the worker's batches are not the request's.
    [t, loaded] = await Promise.all([startIsolatedApp('matrix', { BACKGROUND_WORKERS: 'false' }), loadOperations()]);
    operations = loaded.operations;
    [home, foreign] = await Promise.all([createWorld(t.http, 'Home'), createWorld(t.http, 'Foreign')]);
    await recordPastDeletions(t.dataSource, home);
  }, 60_000);

  afterAll(async () => {
    console.log(
      `authorization matrix: ${operations?.length ?? 0} operations, ${counts.cells} matrix cells ` +
        `(${counts.denied} denied, ${counts.allowed} allowed, ${counts.crossTenantIds} cross-tenant id requests), ` +
        `5xx seen: ${counts.fiveHundreds}`,
    );
    await t?.close();
  });

  async function send(operation: ApiOperation, path: string, token: string | undefined, body?: unknown): Promise<Response> {
    let request = t.http[operation.method](path);
    if (token) request = request.set(bearer(token));
    const response = body === undefined ? await request : await request.send(body as object);
    counts.cells += 1;
    if (response.status >= 500) counts.fiveHundreds += 1;
    return response;
  }

  function describeResponse(response: Response): string {
    return `${response.status} ${JSON.stringify(response.body).slice(0, 200)}`;
  }

  /** `{"detail": "..."}` and nothing else. */
  function isPlainError(response: Response): boolean {
    const body = response.body as Record<string, unknown>;
    return Object.keys(body).length === 1 && typeof body.detail === 'string' && body.detail.length > 0;
  }

  it('covers every operation but the health probes, each with a scope it can infer', () => {
    expect(operations.length).toBeGreaterThanOrEqual(30);
    expect(loaded.publicOperations.map((operation) => operation.path).sort()).toEqual(['/health/live', '/health/ready']);
    for (const operation of operations) {
      expect(() => requiredScope(operation)).not.toThrow();
      expect(operation.responses).toEqual(expect.arrayContaining([401, 403]));
    }
    // Spot checks of the inference against the README's table.
    const scopeOf = (label: string) => requiredScope(operations.find((operation) => operation.label === label)!);
    expect(scopeOf('POST /api/v1/tenants')).toBe(PLATFORM_ADMIN);
    expect(scopeOf('GET /api/v1/tenants/{tenant_id}')).toBe('tenants:read');
    expect(scopeOf('DELETE /api/v1/tenants/{tenant_id}/groups/{group_id}/members/{user_id}')).toBe('groups:write');
    expect(scopeOf('GET /api/v1/tenants/{tenant_id}/users/{user_id}/applications')).toBe('assignments:read');
    expect(scopeOf('PATCH /api/v1/tenants/{tenant_id}/applications/{application_id}')).toBe('applications:write');
    // The gateway's question: one scope for the single and the batch check; the batch is a read.
    expect(scopeOf('GET /api/v1/tenants/{tenant_id}/access-check')).toBe('access:check');
    expect(scopeOf('POST /api/v1/tenants/{tenant_id}/access-checks')).toBe('access:check');
    expect(operations.find((operation) => operation.label === 'POST /api/v1/tenants/{tenant_id}/access-checks')!.isWrite).toBe(
      false,
    );
  });

  describe('denied callers: refused before anything happens, and nothing changes', () => {
    interface DeniedCell {
      name: string;
      status: 401 | 403;
      applies: (operation: ApiOperation) => boolean;
      token: (operation: ApiOperation) => string | undefined;
    }

    const deniedCells: DeniedCell[] = [
      { name: 'no token', status: 401, applies: () => true, token: () => undefined },
      {
        name: "another tenant's token (all its scopes)",
        status: 403,
        applies: hasTenantInPath,
        token: () => foreign.token,
      },
      {
        name: 'a token with every tenant scope but the needed one',
        status: 403,
        applies: () => true,
        token: (operation) => tokenFor(home.tenantId, allTenantScopesBut(requiredScope(operation))),
      },
      {
        name: 'a read-only token (every :read scope) on a write',
        status: 403,
        applies: (operation) => operation.isWrite,
        token: () => tokenFor(home.tenantId, READ_ONLY_SCOPES),
      },
    ];

    it.each(deniedCells.map((cell) => [cell.name, cell] as const))(
      '%s',
      async (_, cell) => {
        const mismatches: string[] = [];
        let applicable = 0;
        for (const operation of operations) {
          if (!cell.applies(operation)) continue;
          applicable += 1;
          const path = fillUrl(operation, worldPathValues(operation, home), worldQueryValues(operation, home));
          const before = await fingerprint(t.dataSource);
          const response = await send(operation, path, cell.token(operation), validBody(operation, home));
          counts.denied += 1;
          const after = await fingerprint(t.dataSource);
          const ok =
            response.status === cell.status &&
            isPlainError(response) &&
            (cell.status !== 401 || /^Bearer\b/.test(String(response.headers['www-authenticate'] ?? '')));
          if (!ok) mismatches.push(`${operation.label}: expected ${cell.status}, got ${describeResponse(response)}`);
          if (!sameFingerprint(before, after))
            mismatches.push(`${operation.label}: the database changed (${JSON.stringify(fingerprintDiff(before, after))})`);
        }
        expect(applicable).toBeGreaterThan(0);
        expect(mismatches).toEqual([]);
      },
      60_000,
    );
  });

  describe('allowed callers: not refused, and served (2xx) with real ids', () => {
    interface AllowedCell {
      name: string;
      token: (operation: ApiOperation, world: World) => string;
    }

    const allowedCells: AllowedCell[] = [
      { name: 'platform admin', token: () => platformAdminToken() },
      {
        name: 'the right token (exactly the needed scope, own tenant)',
        token: (operation, world) => worldToken(world, [requiredScope(operation)]),
      },
    ];

    it.each(allowedCells.map((cell) => [cell.name, cell] as const))(
      '%s',
      async (_, cell) => {
        const mismatches: string[] = [];
        for (const operation of operations) {
          // Reads share one tenant; each write gets a tenant of its own, since it may delete what it names.
          const world = operation.isWrite ? await createWorld(t.http, 'Allowed') : home;
          const path = fillUrl(operation, worldPathValues(operation, world), worldQueryValues(operation, world));
          const response = await send(operation, path, cell.token(operation, world), validBody(operation, world));
          counts.allowed += 1;
          if (response.status === 401 || response.status === 403 || response.status < 200 || response.status >= 300) {
            mismatches.push(`${operation.label}: expected 2xx, got ${describeResponse(response)}`);
          }
        }
        expect(mismatches).toEqual([]);
      },
      90_000,
    );
  });

  describe("ids of another tenant's rows are unknown: 404, and nothing changes", () => {
    interface Slot {
      where: 'path' | 'query' | 'body';
      name: string;
      kind: Kind;
      list: boolean;
    }

    function idSlots(operation: ApiOperation): Slot[] {
      const slots: Slot[] = [];
      for (const parameter of pathParameters(operation)) {
        const kind = kindOfIdName(parameter.name);
        if (kind && kind !== 'tenant') slots.push({ where: 'path', name: parameter.name, kind, list: false });
      }
      for (const parameter of queryParameters(operation)) {
        const kind = kindOfIdName(parameter.name);
        if (kind && kind !== 'tenant') slots.push({ where: 'query', name: parameter.name, kind, list: false });
      }
      for (const field of bodyIdFields(operation)) {
        if (field.kind !== 'tenant') slots.push({ where: 'body', ...field });
      }
      return slots;
    }

    /** Every non-empty subset of the slots: each id foreign alone, and together. */
    function subsets<T>(items: T[]): T[][] {
      const result: T[][] = [];
      for (let mask = 1; mask < 1 << items.length; mask += 1) result.push(items.filter((_, index) => mask & (1 << index)));
      return result;
    }

    it('for every id-taking operation, as the tenant and as a platform admin', async () => {
      const idTaking = operations.filter((operation) => idSlots(operation).length > 0);
      expect(idTaking.length).toBeGreaterThanOrEqual(20);
      const mismatches: string[] = [];
      for (const operation of idTaking) {
        for (const foreignSlots of subsets(idSlots(operation))) {
          for (const [caller, token] of [
            ['tenant token', home.token],
            ['platform admin', platformAdminToken()],
          ] as const) {
            const values = worldPathValues(operation, home);
            const query = worldQueryValues(operation, home);
            const body = validBody(operation, home);
            for (const slot of foreignSlots) {
              const id = idOf(foreign, slot.kind, slot.where === 'body' ? 'spare' : 'target');
              if (slot.where === 'path') values[slot.name] = id;
              else if (slot.where === 'query') query[slot.name] = id;
              else body![slot.name] = slot.list ? [id] : id;
            }
            const before = await fingerprint(t.dataSource);
            const response = await send(operation, fillUrl(operation, values, query), token, body);
            counts.crossTenantIds += 1;
            const after = await fingerprint(t.dataSource);
            const what = `${operation.label} with foreign ${foreignSlots.map((slot) => `${slot.where}.${slot.name}`).join(' + ')} (${caller})`;
            if (response.status !== 404 || !isPlainError(response))
              mismatches.push(`${what}: expected 404, got ${describeResponse(response)}`);
            if (!sameFingerprint(before, after))
              mismatches.push(`${what}: the database changed (${JSON.stringify(fingerprintDiff(before, after))})`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    }, 60_000);
  });
});
