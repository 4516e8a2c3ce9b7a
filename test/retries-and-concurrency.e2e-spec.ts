import { randomUUID } from 'node:crypto';
import { BackgroundWorker } from '../src/background/background-worker';
import { IdempotencyKeysRepository } from '../src/idempotency/idempotency-keys.repository';
import { dropIsolatedDatabase, IsolatedApp, startAppOn, startIsolatedApp } from './support/isolated-app';
import { NIL_TENANT, platformAdminToken, tokenFor } from './support/test-app';

/**
 * Retries that are safe (Idempotency-Key) and changes that do not overwrite each other
 * (ETag, If-Match, If-None-Match), over real sockets where requests must be in flight
 * together, against the database the answers claim to describe.
 */

interface Answer {
  status: number;
  headers: Headers;
  /** The body exactly as received. */
  text: string;
  // The parsed JSON, `any` like supertest's `response.body`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  body: any;
}

describe('Retries and concurrency', () => {
  let t: IsolatedApp;
  let baseUrl: string;
  let tenantId: string;
  let token: string;

  const T = () => `/api/v1/tenants/${tenantId}`;

  async function send(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? token}`, ...(options.headers ?? {}) };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: response.status, headers: response.headers, text, body };
  }

  /** A client that retries on 409 after the Retry-After the answer names, as a gateway does. */
  async function sendRetrying(
    method: string,
    path: string,
    body: unknown,
    key: string,
  ): Promise<{ first: Answer; final: Answer; tries: number }> {
    const first = await send(method, path, { body, headers: { 'Idempotency-Key': key } });
    let final = first;
    let tries = 1;
    while (final.status === 409 && final.headers.get('retry-after') !== null && tries < 20) {
      await new Promise((resolve) => setTimeout(resolve, Number(final.headers.get('retry-after')) * 1000));
      final = await send(method, path, { body, headers: { 'Idempotency-Key': key } });
      tries += 1;
    }
    return { first, final, tries };
  }

  const count = async (sql: string, parameters: unknown[]): Promise<number> =>
    Number((await t.dataSource.query<Array<{ n: string }>>(sql, parameters))[0].n);
  const auditCount = (action: string, targetId: string) =>
    count(`SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1 AND action = $2 AND target_id = $3`, [
      tenantId,
      action,
      targetId,
    ]);
  const keyCount = (key: string) => count(`SELECT count(*) AS n FROM idempotency_keys WHERE key = $1`, [key]);

  async function create(kind: 'users' | 'groups' | 'applications', tenant = tenantId, as = token): Promise<string> {
    const body =
      kind === 'users'
        ? { email: `${randomUUID()}@example.com`, display_name: 'Test User' }
        : { name: `${kind}-${randomUUID()}` };
    const answer = await send('POST', `/api/v1/tenants/${tenant}/${kind}`, { body, token: as });
    expect(answer.status).toBe(201);
    return answer.body.data.id;
  }

  beforeAll(async () => {
    t = await startIsolatedApp('retries', { BACKGROUND_WORKERS: 'false' });
    baseUrl = await t.listen();
    const tenant = await send('POST', '/api/v1/tenants', {
      token: platformAdminToken(),
      body: { name: 'Retries', slug: `retries-${randomUUID().slice(0, 8)}` },
    });
    tenantId = tenant.body.data.id;
    token = tokenFor(tenantId, undefined, 'gateway');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  describe('Idempotency-Key', () => {
    it('20 concurrent bulk assigns with one key: one effect, and every client ends with the same response', async () => {
      const userId = await create('users');
      const apps = await Promise.all([1, 2, 3].map(() => create('applications')));
      const key = randomUUID();
      const path = `${T()}/users/${userId}/applications/bulk`;
      const body = { application_ids: apps };

      const results = await Promise.all(Array.from({ length: 20 }, () => sendRetrying('POST', path, body, key)));
      // The retries replay side by side: none waits for another replay.
      expect(Math.max(...results.map((result) => result.tries))).toBeLessThanOrEqual(5);

      // The first round: one request did the work; the others were in flight beside it (409) or came after it (replays).
      for (const { first } of results) expect([201, 409]).toContain(first.status);
      for (const { first } of results.filter((result) => result.first.status === 409)) {
        expect(first.headers.get('retry-after')).toBe('1');
        expect(first.body.detail).toMatch(/Idempotency-Key is still being processed/);
      }
      // Finally, all twenty hold the same answer, byte for byte; exactly one was not a replay.
      const finals = results.map((result) => result.final);
      expect(finals.map((answer) => answer.status)).toEqual(Array(20).fill(201));
      expect(new Set(finals.map((answer) => answer.text)).size).toBe(1);
      expect(new Set(finals.map((answer) => answer.headers.get('content-type'))).size).toBe(1);
      expect(finals.filter((answer) => answer.headers.get('idempotent-replayed') === null)).toHaveLength(1);
      expect(finals.filter((answer) => answer.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
      expect(finals[0].body.data).toEqual({ user_id: userId, assigned: apps, already_assigned: [], assigned_count: 3 });

      expect(
        await count(`SELECT count(*) AS n FROM user_app_assignments WHERE tenant_id = $1 AND user_id = $2`, [tenantId, userId]),
      ).toBe(3);
      expect(await auditCount('assignment.user_bulk_assigned', userId)).toBe(1);
      expect(await keyCount(key)).toBe(1);
    }, 60_000);

    it('20 concurrent group assigns with one key: one effect, and every client ends with the same response', async () => {
      const groupId = await create('groups');
      const appId = await create('applications');
      const key = randomUUID();
      const path = `${T()}/groups/${groupId}/applications`;

      const results = await Promise.all(
        Array.from({ length: 20 }, () => sendRetrying('POST', path, { application_id: appId }, key)),
      );

      for (const { first } of results) expect([201, 409]).toContain(first.status);
      const finals = results.map((result) => result.final);
      expect(finals.map((answer) => answer.status)).toEqual(Array(20).fill(201));
      expect(new Set(finals.map((answer) => answer.text)).size).toBe(1);
      expect(finals.filter((answer) => answer.headers.get('idempotent-replayed') === null)).toHaveLength(1);
      expect(finals[0].body.data).toMatchObject({ group_id: groupId, application_id: appId, assignment_type: 'group' });

      expect(
        await count(`SELECT count(*) AS n FROM group_app_assignments WHERE tenant_id = $1 AND group_id = $2`, [
          tenantId,
          groupId,
        ]),
      ).toBe(1);
      expect(await auditCount('assignment.group_assigned', groupId)).toBe(1);
    }, 60_000);

    it('a key held by a request in flight is a 409 with Retry-After: 1; once it is done, the retry runs', async () => {
      const key = randomUUID();
      const body = { name: `in-flight-${key}` };
      // Another transaction holds the key, exactly as a request in flight does (the repository's lock).
      const holder = t.dataSource.createQueryRunner();
      await holder.connect();
      await holder.startTransaction();
      try {
        await t.app.get(IdempotencyKeysRepository).tryHold({ tenantId, subject: 'gateway' }, key, holder.manager);
        const busy = await send('POST', `${T()}/groups`, { body, headers: { 'Idempotency-Key': key } });
        expect(busy.status).toBe(409);
        expect(busy.headers.get('retry-after')).toBe('1');
        expect(busy.body).toEqual({ detail: expect.stringMatching(/Idempotency-Key is still being processed/) });
        // Another subject's key of the same text is not held.
        const other = await send('POST', `${T()}/groups`, {
          body: { name: `other-${key}` },
          headers: { 'Idempotency-Key': key },
          token: tokenFor(tenantId, undefined, 'someone-else'),
        });
        expect(other.status).toBe(201);
      } finally {
        await holder.rollbackTransaction();
        await holder.release();
      }
      expect(await count(`SELECT count(*) AS n FROM groups WHERE tenant_id = $1 AND name = $2`, [tenantId, body.name])).toBe(0);
      const retried = await send('POST', `${T()}/groups`, { body, headers: { 'Idempotency-Key': key } });
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
    });

    it('replays the first response (status, body, headers) after the application restarts', async () => {
      const key = randomUUID();
      const body = { email: `${randomUUID()}@example.com`, display_name: 'Restart' };
      const first = await send('POST', `${T()}/users`, { body, headers: { 'Idempotency-Key': key } });
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(first.headers.get('etag')).toBe('"v1"');

      // Close the application, and start a new one on the same database.
      const { databaseUrl } = t;
      await t.app.close();
      const restarted = await startAppOn(databaseUrl, { BACKGROUND_WORKERS: 'false' });
      t = {
        ...restarted,
        close: async () => {
          await restarted.close();
          await dropIsolatedDatabase(databaseUrl);
        },
      };
      baseUrl = await restarted.listen();

      const replay = await send('POST', `${T()}/users`, { body, headers: { 'Idempotency-Key': key } });
      expect(replay.status).toBe(201);
      expect(replay.text).toBe(first.text);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(replay.headers.get('content-type')).toBe(first.headers.get('content-type'));
      // The request id of this request is in its header; the body is the first one's, its meta included.
      expect(replay.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
      expect(await count(`SELECT count(*) AS n FROM users WHERE tenant_id = $1 AND email = $2`, [tenantId, body.email])).toBe(1);
    }, 60_000);

    it('the same JSON in another key order is the same request', async () => {
      const key = randomUUID();
      const first = await send('POST', `${T()}/groups`, {
        body: { name: `g-${key}`, description: 'd' },
        headers: { 'Idempotency-Key': key },
      });
      const again = await send('POST', `${T()}/groups`, {
        body: { description: 'd', name: `g-${key}` },
        headers: { 'Idempotency-Key': key },
      });
      expect(first.status).toBe(201);
      expect(again.text).toBe(first.text);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
    });

    it('the same key with another body, or for another operation, is a 422 and changes nothing', async () => {
      const userId = await create('users');
      const otherUser = await create('users');
      const [appA, appB] = await Promise.all([create('applications'), create('applications')]);
      const key = randomUUID();
      const path = `${T()}/users/${userId}/applications`;
      expect((await send('POST', path, { body: { application_id: appA }, headers: { 'Idempotency-Key': key } })).status).toBe(
        201,
      );
      const assignments = () =>
        count(`SELECT count(*) AS n FROM user_app_assignments WHERE tenant_id = $1 AND user_id = $2`, [tenantId, userId]);
      const events = () => count(`SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1`, [tenantId]);
      const [assignmentsBefore, eventsBefore] = [await assignments(), await events()];

      const otherBody = await send('POST', path, { body: { application_id: appB }, headers: { 'Idempotency-Key': key } });
      expect(otherBody.status).toBe(422);
      expect(otherBody.body.detail).toEqual([
        {
          loc: ['header', 'idempotency-key'],
          msg: expect.stringMatching(/different request body/),
          type: 'idempotency_key_reused',
        },
      ]);
      const otherPath = await send('POST', `${T()}/users/${userId}/applications/bulk`, {
        body: { application_ids: [appB] },
        headers: { 'Idempotency-Key': key },
      });
      expect(otherPath.status).toBe(422);
      expect(otherPath.body.detail[0].msg).toMatch(
        /another operation \(POST \/api\/v1\/tenants\/:tenant_id\/users\/:user_id\/applications\)/,
      );
      // Another user's path is another request too.
      const otherTarget = await send('POST', `${T()}/users/${otherUser}/applications`, {
        body: { application_id: appA },
        headers: { 'Idempotency-Key': key },
      });
      expect(otherTarget.status).toBe(422);

      expect(await assignments()).toBe(assignmentsBefore);
      expect(await events()).toBe(eventsBefore);
      expect(
        await count(`SELECT count(*) AS n FROM user_app_assignments WHERE tenant_id = $1 AND user_id = $2`, [
          tenantId,
          otherUser,
        ]),
      ).toBe(0);
    });

    it('keys are scoped to the token subject and to the tenant', async () => {
      const key = randomUUID();
      const body = { name: `scoped-${key}` };
      const alice = await send('POST', `${T()}/applications`, {
        body,
        headers: { 'Idempotency-Key': key },
        token: tokenFor(tenantId, undefined, 'alice'),
      });
      const bob = await send('POST', `${T()}/applications`, {
        body,
        headers: { 'Idempotency-Key': key },
        token: tokenFor(tenantId, undefined, 'bob'),
      });
      expect([alice.status, bob.status]).toEqual([201, 201]);
      expect(bob.headers.get('idempotent-replayed')).toBeNull();
      expect(bob.body.data.id).not.toBe(alice.body.data.id);

      const otherTenant = await send('POST', '/api/v1/tenants', {
        token: platformAdminToken(),
        body: { name: 'Other', slug: `other-${key.slice(0, 8)}` },
      });
      const otherId = otherTenant.body.data.id as string;
      const elsewhere = await send('POST', `/api/v1/tenants/${otherId}/applications`, {
        body,
        headers: { 'Idempotency-Key': key },
        token: tokenFor(otherId, undefined, 'alice'),
      });
      expect(elsewhere.status).toBe(201);
      expect(elsewhere.headers.get('idempotent-replayed')).toBeNull();
      expect(elsewhere.body.data.tenant_id).toBe(otherId);
      expect(await count(`SELECT count(*) AS n FROM applications WHERE name = $1`, [body.name])).toBe(3);

      // A platform admin's tenant creation is keyed in the token's tenant (here none: the nil UUID).
      const slug = `keyed-${key.slice(0, 8)}`;
      const created = await send('POST', '/api/v1/tenants', {
        token: platformAdminToken(),
        body: { name: 'Keyed', slug },
        headers: { 'Idempotency-Key': key },
      });
      const replayed = await send('POST', '/api/v1/tenants', {
        token: platformAdminToken(),
        body: { name: 'Keyed', slug },
        headers: { 'Idempotency-Key': key },
      });
      expect(created.status).toBe(201);
      expect(replayed.text).toBe(created.text);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      expect(await count(`SELECT count(*) AS n FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`, [NIL_TENANT, key])).toBe(
        1,
      );
    });

    it('without the header, nothing changes: a duplicate assign is still a 409', async () => {
      const userId = await create('users');
      const appId = await create('applications');
      const path = `${T()}/users/${userId}/applications`;
      expect((await send('POST', path, { body: { application_id: appId } })).status).toBe(201);
      const duplicate = await send('POST', path, { body: { application_id: appId } });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toEqual({ detail: 'Application is already assigned to this user' });
      expect(duplicate.headers.get('idempotent-replayed')).toBeNull();
    });

    it('a request that fails records nothing: its retry runs again', async () => {
      const userId = await create('users');
      const appId = await create('applications');
      const key = randomUUID();
      const path = `${T()}/users/${userId}/applications`;
      // Already assigned (without a key): the keyed request fails with 409, and so does its retry, each run for real.
      expect((await send('POST', path, { body: { application_id: appId } })).status).toBe(201);
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const answer = await send('POST', path, { body: { application_id: appId }, headers: { 'Idempotency-Key': key } });
        expect(answer.status).toBe(409);
        expect(answer.headers.get('idempotent-replayed')).toBeNull();
      }
      expect(await keyCount(key)).toBe(0);

      // A 404 (unknown application) records nothing either: once the application exists, the same key works.
      const bulkKey = randomUUID();
      const unknown = randomUUID();
      const bulk = `${T()}/users/${userId}/applications/bulk`;
      expect(
        (await send('POST', bulk, { body: { application_ids: [unknown] }, headers: { 'Idempotency-Key': bulkKey } })).status,
      ).toBe(404);
      const newApp = await create('applications');
      const retried = await send('POST', bulk, { body: { application_ids: [newApp] }, headers: { 'Idempotency-Key': bulkKey } });
      expect(retried.status).toBe(201);
      expect(retried.body.data.assigned).toEqual([newApp]);
    });

    it('a malformed key is a 422 at ["header", "idempotency-key"], and nothing is written', async () => {
      const before = await count(`SELECT count(*) AS n FROM users WHERE tenant_id = $1`, [tenantId]);
      for (const key of ['', 'k'.repeat(256), 'tab\there', 'caf\u00e9']) {
        const answer = await send('POST', `${T()}/users`, {
          body: { email: `${randomUUID()}@example.com`, display_name: 'Bad Key' },
          headers: { 'Idempotency-Key': key },
        });
        expect(answer.status).toBe(422);
        expect(answer.body.detail[0].loc).toEqual(['header', 'idempotency-key']);
        expect(answer.body.detail[0].type).toBe('idempotency_key_invalid');
      }
      expect(await count(`SELECT count(*) AS n FROM users WHERE tenant_id = $1`, [tenantId])).toBe(before);
      // 255 printable characters, and a structured-field string, are fine.
      for (const key of ['k'.repeat(255), `"${randomUUID()}"`]) {
        const answer = await send('POST', `${T()}/groups`, {
          body: { name: `g-${randomUUID()}` },
          headers: { 'Idempotency-Key': key },
        });
        expect(answer.status).toBe(201);
      }
    });

    it('every POST that creates or assigns takes a key', async () => {
      const userId = await create('users');
      const groupId = await create('groups');
      const posts: Array<[string, unknown]> = [
        [`${T()}/users`, { email: `${randomUUID()}@example.com`, display_name: 'Keyed' }],
        [`${T()}/groups`, { name: `g-${randomUUID()}` }],
        [`${T()}/applications`, { name: `a-${randomUUID()}` }],
        [`${T()}/groups/${groupId}/members`, { user_id: userId }],
        [`${T()}/users/${userId}/applications`, { application_id: await create('applications') }],
        [`${T()}/users/${userId}/applications/bulk`, { application_ids: [await create('applications')] }],
        [`${T()}/groups/${groupId}/applications`, { application_id: await create('applications') }],
      ];
      for (const [path, body] of posts) {
        const key = randomUUID();
        const first = await send('POST', path, { body, headers: { 'Idempotency-Key': key } });
        const again = await send('POST', path, { body, headers: { 'Idempotency-Key': key } });
        expect([path, first.status]).toEqual([path, 201]);
        expect([path, again.status, again.headers.get('idempotent-replayed')]).toEqual([path, 201, 'true']);
        expect(again.text).toBe(first.text);
      }
    });

    it('expired keys replay no more, and the background worker removes them', async () => {
      const key = randomUUID();
      const body = { name: `expiring-${key}` };
      const first = await send('POST', `${T()}/applications`, { body, headers: { 'Idempotency-Key': key } });
      await t.dataSource.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
      const later = await send('POST', `${T()}/applications`, { body, headers: { 'Idempotency-Key': key } });
      expect(later.status).toBe(201);
      expect(later.headers.get('idempotent-replayed')).toBeNull();
      expect(later.body.data.id).not.toBe(first.body.data.id);
      expect(await keyCount(key)).toBe(1);

      await t.dataSource.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
      await t.app.get(BackgroundWorker).drain();
      expect(await keyCount(key)).toBe(0);
    });
  });

  describe.each([
    { kind: 'users' as const, table: 'users', patch: { display_name: 'Changed' }, other: { display_name: 'Other' } },
    { kind: 'groups' as const, table: 'groups', patch: { description: 'Changed' }, other: { description: 'Other' } },
    { kind: 'applications' as const, table: 'applications', patch: { description: 'Changed' }, other: { description: 'Other' } },
  ])('conditional requests on $kind', ({ kind, table, patch, other }) => {
    const row = async (id: string) =>
      (await t.dataSource.query<unknown[]>(`SELECT * FROM ${table} WHERE tenant_id = $1 AND id = $2`, [tenantId, id]))[0];
    const events = (id: string) =>
      count(`SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1 AND target_id = $2`, [tenantId, id]);

    it('ETag on create, GET and PATCH; it changes with every change and only then', async () => {
      const id = await create(kind);
      const path = `${T()}/${kind}/${id}`;
      const read = await send('GET', path);
      expect(read.headers.get('etag')).toBe('"v1"');
      const changed = await send('PATCH', path, { body: patch });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).toBe('"v2"');
      expect((await send('GET', path)).headers.get('etag')).toBe('"v2"');
      // The same values again change nothing, and keep the version.
      const same = await send('PATCH', path, { body: patch });
      expect(same.headers.get('etag')).toBe('"v2"');
      expect(same.body.data.updated_at).toBe(changed.body.data.updated_at);
    });

    it('If-None-Match: 304 with the ETag and no body when current; 200 otherwise', async () => {
      const id = await create(kind);
      const path = `${T()}/${kind}/${id}`;
      for (const value of ['"v1"', 'W/"v1"', '"v7", "v1"', '*']) {
        const answer = await send('GET', path, { headers: { 'If-None-Match': value } });
        expect([value, answer.status, answer.text]).toEqual([value, 304, '']);
        expect(answer.headers.get('etag')).toBe('"v1"');
      }
      await send('PATCH', path, { body: patch });
      const stale = await send('GET', path, { headers: { 'If-None-Match': '"v1"' } });
      expect(stale.status).toBe(200);
      expect(stale.headers.get('etag')).toBe('"v2"');
      expect(stale.body.data.id).toBe(id);
    });

    it('a stale If-Match on PATCH and DELETE is a 412, and nothing changes', async () => {
      const id = await create(kind);
      const path = `${T()}/${kind}/${id}`;
      await send('PATCH', path, { body: patch }); // now at v2
      const [rowBefore, eventsBefore] = [await row(id), await events(id)];

      for (const ifMatch of ['"v1"', 'W/"v2"', '"something-else"']) {
        const stalePatch = await send('PATCH', path, { body: other, headers: { 'If-Match': ifMatch } });
        expect([ifMatch, stalePatch.status]).toEqual([ifMatch, 412]);
        expect(stalePatch.body).toEqual({ detail: expect.stringMatching(/has changed since the version named in If-Match/) });
        const staleDelete = await send('DELETE', path, { headers: { 'If-Match': ifMatch } });
        expect([ifMatch, staleDelete.status]).toEqual([ifMatch, 412]);
      }
      expect(await row(id)).toEqual(rowBefore);
      expect(await events(id)).toBe(eventsBefore);

      // The current ETag (or *) applies the change.
      const current = await send('PATCH', path, { body: other, headers: { 'If-Match': '"v1", "v2"' } });
      expect(current.status).toBe(200);
      expect(current.headers.get('etag')).toBe('"v3"');
      expect((await send('PATCH', path, { body: patch, headers: { 'If-Match': '*' } })).status).toBe(200);
      expect((await send('DELETE', path, { headers: { 'If-Match': '"v4"' } })).status).toBe(204);
      expect(await row(id)).toBeUndefined();
      // Gone: 404 whatever If-Match says.
      expect((await send('PATCH', path, { body: patch, headers: { 'If-Match': '"v4"' } })).status).toBe(404);
      expect((await send('DELETE', path, { headers: { 'If-Match': '*' } })).status).toBe(404);
    });

    it('two concurrent PATCHes with the same If-Match: exactly one applies, the other is a 412', async () => {
      const id = await create(kind);
      const path = `${T()}/${kind}/${id}`;
      const answers = await Promise.all(
        [patch, other].map((body) => send('PATCH', path, { body, headers: { 'If-Match': '"v1"' } })),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 412]);
      expect((await send('GET', path)).headers.get('etag')).toBe('"v2"');
      expect(
        await count(
          `SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1 AND target_id = $2 AND action LIKE '%.updated'`,
          [tenantId, id],
        ),
      ).toBe(1);
    });

    it('a malformed If-Match or If-None-Match is a 422 naming the header', async () => {
      const id = await create(kind);
      const path = `${T()}/${kind}/${id}`;
      const patchAnswer = await send('PATCH', path, { body: patch, headers: { 'If-Match': 'v1' } });
      expect(patchAnswer.status).toBe(422);
      expect(patchAnswer.body.detail[0].loc).toEqual(['header', 'if-match']);
      const getAnswer = await send('GET', path, { headers: { 'If-None-Match': 'v1' } });
      expect(getAnswer.status).toBe(422);
      expect(getAnswer.body.detail[0].loc).toEqual(['header', 'if-none-match']);
      expect((await row(id)) as { version: number }).toMatchObject({ version: 1 });
    });
  });
});
