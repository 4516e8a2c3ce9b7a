import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventRelay } from '../../src/background/event-relay';
import { WebhookDispatcher } from '../../src/background/webhook-dispatcher';
import type { ChangeEventPayload } from '../../src/change-events/change-event-payload';
import { ChangeWriter } from '../../src/changes/change-writer';
import { Scope } from '../../src/common/auth/scopes';
import { IdempotentRequest } from '../../src/idempotency/idempotent-request';
import { isBlockedAddress } from '../../src/webhooks/url-guard';
import { WebhookDeliveriesRepository } from '../../src/webhooks/webhook-deliveries.repository';
import { addMember, createApplication, createGroup, createTenant, createUser, type TenantFixture } from '../support/fixtures';
import { type IsolatedApp, startAppOn, startIsolatedApp } from '../support/isolated-app';
import { bearer, startTestApp, type TestApp, tokenFor } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';
import { verifyIamSignature } from './verify-webhook-signature';

type EventItem = ChangeEventPayload;

/** Short backoff and timeouts, so retries take milliseconds; the relay is driven by the tests (no background loop). */
const FAST = {
  BACKGROUND_WORKERS: 'false',
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_RETRY_BASE_MS: '5',
  WEBHOOK_RETRY_MAX_DELAY_MS: '20',
  WEBHOOK_TIMEOUT_MS: '500',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Change events', () => {
  let t: IsolatedApp;
  let relay: EventRelay;
  let dispatcher: WebhookDispatcher;
  let tenant: TenantFixture;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startIsolatedApp('events', FAST);
    relay = t.app.get(EventRelay);
    dispatcher = t.app.get(WebhookDispatcher);
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(async () => {
    tenant = await createTenant(t);
    receiver = await WebhookReceiver.start();
  });

  afterEach(async () => {
    relay.beforeMark = undefined;
    await receiver.close();
  });

  const base = () => `/api/v1/tenants/${tenant.id}`;
  const auth = () => bearer(tenant.token);

  const events = async (): Promise<EventItem[]> => {
    const all: EventItem[] = [];
    for (let page = 1; ; page += 1) {
      const body = (await t.http.get(`${base()}/change-events?per_page=100&page=${page}`).set(auth()).expect(200)).body;
      all.push(...(body.data as EventItem[]));
      if (page >= body.pagination.total_pages) return all;
    }
  };

  const subscribe = async (body: Record<string, unknown> = {}) =>
    (
      await t.http
        .post(`${base()}/webhooks`)
        .set(auth())
        .send({ url: receiver.url, ...body })
        .expect(201)
    ).body.data as {
      id: string;
      secret: string;
      status: string;
    };

  const relayAll = async () => {
    while (await relay.relayBatch());
  };

  /** Relays, then delivers until `done` holds (or fails after a few seconds). */
  const pumpUntil = async (done: () => boolean) => {
    const deadline = Date.now() + 10_000;
    await relayAll();
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`webhook deliveries did not arrive: ${receiver.received.length} received`);
      if ((await dispatcher.dispatchBatch()) === 0) await sleep(10);
    }
  };

  it('records an event for every change that can alter who may use what, with the ids involved', async () => {
    const user = await createUser(t, tenant);
    const group = await createGroup(t, tenant);
    const [app1, app2, app3] = [
      await createApplication(t, tenant),
      await createApplication(t, tenant),
      await createApplication(t, tenant),
    ];
    const as = (requestId: string) => ({
      ...bearer(tokenFor(tenant.id, undefined, 'alice@idp.example')),
      'X-Request-ID': requestId,
    });

    await t.http.post(`${base()}/users/${user}/applications`).set(as('r1')).send({ application_id: app1 }).expect(201);
    await t.http
      .post(`${base()}/users/${user}/applications/bulk`)
      .set(as('r2'))
      .send({ application_ids: [app1, app2, app3] })
      .expect(201);
    await t.http.delete(`${base()}/users/${user}/applications/${app2}`).set(as('r3')).expect(204);
    await t.http.post(`${base()}/groups/${group}/applications`).set(as('r4')).send({ application_id: app1 }).expect(201);
    await t.http.delete(`${base()}/groups/${group}/applications/${app1}`).set(as('r5')).expect(204);
    await t.http.post(`${base()}/groups/${group}/members`).set(as('r6')).send({ user_id: user }).expect(201);
    await t.http.delete(`${base()}/groups/${group}/members/${user}`).set(as('r7')).expect(204);
    await t.http.patch(`${base()}/users/${user}`).set(as('r8')).send({ display_name: 'Renamed' }).expect(200); // no event
    await t.http.patch(`${base()}/users/${user}`).set(as('r9')).send({ status: 'suspended' }).expect(200);
    await t.http.patch(`${base()}/users/${user}`).set(as('r10')).send({ status: 'suspended' }).expect(200); // unchanged: no event
    await t.http.delete(`${base()}/applications/${app3}`).set(as('r11')).expect(204);
    await t.http.delete(`${base()}/groups/${group}`).set(as('r12')).expect(204);
    await t.http.delete(`${base()}/users/${user}`).set(as('r13')).expect(204);

    const recorded = await events();
    expect(recorded.map(({ type, request_id, data }) => ({ type, request_id, data }))).toEqual([
      { type: 'assignment.user_assigned', request_id: 'r1', data: { user_id: user, application_id: app1 } },
      { type: 'assignment.user_assigned', request_id: 'r2', data: { user_id: user, application_id: app2 } },
      { type: 'assignment.user_assigned', request_id: 'r2', data: { user_id: user, application_id: app3 } },
      { type: 'assignment.user_unassigned', request_id: 'r3', data: { user_id: user, application_id: app2 } },
      { type: 'assignment.group_assigned', request_id: 'r4', data: { group_id: group, application_id: app1 } },
      { type: 'assignment.group_unassigned', request_id: 'r5', data: { group_id: group, application_id: app1 } },
      { type: 'group.member_added', request_id: 'r6', data: { group_id: group, user_id: user } },
      { type: 'group.member_removed', request_id: 'r7', data: { group_id: group, user_id: user } },
      { type: 'user.status_changed', request_id: 'r9', data: { user_id: user, previous_status: 'active', status: 'suspended' } },
      { type: 'application.deleted', request_id: 'r11', data: { application_id: app3 } },
      { type: 'group.deleted', request_id: 'r12', data: { group_id: group } },
      { type: 'user.deleted', request_id: 'r13', data: { user_id: user } },
    ]);
    for (const event of recorded) {
      expect(event).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: expect.any(String),
        tenant_id: tenant.id,
        occurred_at: expect.any(String),
        actor: 'alice@idp.example',
        request_id: expect.any(String),
        data: expect.any(Object),
      });
    }
    expect(new Set(recorded.map((event) => event.id)).size).toBe(recorded.length);
  });

  it('emits the deletion of a large group or application when it is accepted (202), with the deletion id', async () => {
    await t.dataSource.query('UPDATE effective_access_settings SET inline_fanout_limit = 0');
    try {
      const user = await createUser(t, tenant);
      const group = await createGroup(t, tenant);
      const app = await createApplication(t, tenant);
      await addMember(t, tenant, group, user);
      await t.http.post(`${base()}/users/${user}/applications`).set(auth()).send({ application_id: app }).expect(201);
      const groupDeletion = (await t.http.delete(`${base()}/groups/${group}`).set(auth()).expect(202)).body.data;
      const appDeletion = (await t.http.delete(`${base()}/applications/${app}`).set(auth()).expect(202)).body.data;
      const deletions = (await events()).filter((event) => event.type.endsWith('.deleted'));
      expect(deletions.map(({ type, data }) => ({ type, data }))).toEqual([
        { type: 'group.deleted', data: { group_id: group, deletion_id: groupDeletion.id } },
        { type: 'application.deleted', data: { application_id: app, deletion_id: appDeletion.id } },
      ]);
    } finally {
      await t.dataSource.query('UPDATE effective_access_settings SET inline_fanout_limit = 5000');
    }
  });

  it('emits nothing for a change that fails or rolls back', async () => {
    const user = await createUser(t, tenant);
    const app = await createApplication(t, tenant);
    await t.http.post(`${base()}/users/${user}/applications`).set(auth()).send({ application_id: app }).expect(201);
    const before = (await events()).length;
    await t.http.post(`${base()}/users/${user}/applications`).set(auth()).send({ application_id: app }).expect(409);
    await t.http
      .post(`${base()}/users/${user}/applications/bulk`)
      .set(auth())
      .send({ application_ids: [app, randomUUID()] })
      .expect(404);
    await t.http.delete(`${base()}/users/${user}/applications/${randomUUID()}`).set(auth()).expect(404);
    await t.http.patch(`${base()}/users/${user}`).set(auth()).set('If-Match', '"v99"').send({ status: 'suspended' }).expect(412);

    // A transaction that fails after its events were written: the events roll back with it.
    const writer = t.app.get(ChangeWriter);
    const failing = new IdempotentRequest({ tenantId: tenant.id, subject: 'x' }, randomUUID(), 'f', 'op', () => {
      throw new Error('failed after the events were written');
    });
    await expect(
      writer.write(
        tenant.id,
        { subject: 'x', requestId: 'rollback' },
        {},
        () => Promise.resolve({ result: 1, events: [{ type: 'user.deleted', data: { user_id: user } }] }),
        { idempotency: failing },
      ),
    ).rejects.toThrow('failed after the events were written');
    expect(await events()).toHaveLength(before);
  });

  it('delivers signed events that verify with the documented recipe, with the event id and type in headers', async () => {
    const hook = await subscribe();
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const shown = (await t.http.get(`${base()}/webhooks/${hook.id}`).set(auth()).expect(200)).body.data;
    expect(shown).not.toHaveProperty('secret');

    const user = await createUser(t, tenant);
    const app = await createApplication(t, tenant);
    await t.http.post(`${base()}/users/${user}/applications`).set(auth()).send({ application_id: app }).expect(201);
    await pumpUntil(() => receiver.accepted.length >= 1);

    const [delivery] = receiver.received;
    const [event] = await events();
    expect(delivery.body).toEqual(event);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['iam-event-id']).toBe(event.id);
    expect(delivery.headers['iam-event-type']).toBe('assignment.user_assigned');
    expect(delivery.headers['iam-delivery-attempt']).toBe('1');
    const signature = delivery.headers['iam-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    expect(verifyIamSignature(delivery.rawBody, signature, hook.secret)).toBe(true);
    expect(verifyIamSignature(delivery.rawBody.replace(user, randomUUID()), signature, hook.secret)).toBe(false);
    expect(verifyIamSignature(delivery.rawBody, signature, `${hook.secret}x`)).toBe(false);
    const signedAt = Number(/t=(\d+)/.exec(signature)![1]);
    expect(verifyIamSignature(delivery.rawBody, signature, hook.secret, signedAt + 301)).toBe(false); // replayed later
  });

  it('retries a receiver that fails (500 three times), then delivers each event once more, in order', async () => {
    const hook = await subscribe({ event_types: ['assignment.user_assigned', 'assignment.user_unassigned'] });
    receiver.respond = (_, index) => (index < 3 ? 500 : 200);
    const user = await createUser(t, tenant);
    const app = await createApplication(t, tenant);
    await t.http.post(`${base()}/users/${user}/applications`).set(auth()).send({ application_id: app }).expect(201);
    await t.http
      .post(`${base()}/groups/${await createGroup(t, tenant)}/members`)
      .set(auth())
      .send({ user_id: user })
      .expect(201); // not subscribed
    await t.http.delete(`${base()}/users/${user}/applications/${app}`).set(auth()).expect(204);
    await pumpUntil(() => receiver.accepted.length >= 2);
    await sleep(50);
    expect(await dispatcher.dispatchBatch()).toBe(0);

    const [assigned, unassigned] = (await events()).filter((event) => event.type.startsWith('assignment.'));
    expect(
      receiver.received.map((delivery) => [delivery.body.id, delivery.status, delivery.headers['iam-delivery-attempt']]),
    ).toEqual([
      [assigned.id, 500, '1'],
      [assigned.id, 500, '2'],
      [assigned.id, 500, '3'],
      [assigned.id, 200, '4'],
      [unassigned.id, 200, '1'],
    ]);
    const attempts = (await t.http.get(`${base()}/webhooks/${hook.id}/deliveries`).set(auth()).expect(200)).body;
    expect(attempts.pagination.total_items).toBe(5);
    expect(
      attempts.data.map((attempt: { status_code: number; outcome: string; attempt: number }) => [
        attempt.status_code,
        attempt.outcome,
        attempt.attempt,
      ]),
    ).toEqual([
      [200, 'delivered', 1],
      [200, 'delivered', 4],
      [500, 'retrying', 3],
      [500, 'retrying', 2],
      [500, 'retrying', 1],
    ]);
  });

  it('delivers again when the relay dies between the POST and recording it; receivers de-duplicate by event id', async () => {
    await subscribe();
    const user = await createUser(t, tenant);
    const app = await createApplication(t, tenant);
    await t.http.post(`${base()}/users/${user}/applications`).set(auth()).send({ application_id: app }).expect(201);

    // The relay dies after fan-out and before marking the batch: nothing of it is kept, it runs again.
    relay.beforeMark = () => {
      throw new Error('relay killed before the mark');
    };
    await expect(relay.relayBatch()).rejects.toThrow('relay killed');
    relay.beforeMark = undefined;
    const [pending] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM change_events WHERE tenant_id = $1 AND relayed_at IS NULL`,
      [tenant.id],
    );
    expect(pending.n).toBe(1);

    // The dispatcher dies after the receiver got the POST, before recording the attempt.
    const deliveries = t.app.get(WebhookDeliveriesRepository);
    const record = deliveries.record.bind(deliveries);
    let killed = false;
    jest.spyOn(deliveries, 'record').mockImplementation((...args) => {
      if (!killed) {
        killed = true;
        return Promise.reject(new Error('relay killed before recording the attempt'));
      }
      return record(...args);
    });
    try {
      await relayAll();
      await dispatcher.dispatchBatch().catch(() => undefined);
      expect(receiver.received).toHaveLength(1);
      // Its lease on the subscription expires (2 × WEBHOOK_TIMEOUT_MS + 1 s), and another run delivers again.
      await sleep(2_100);
      await pumpUntil(() => receiver.received.length >= 2);
    } finally {
      jest.restoreAllMocks();
    }
    const ids = receiver.received.map((delivery) => delivery.body.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1); // the same event twice: at least once, de-duplicated by id
    const seen = new Set<string>();
    const handled = receiver.received.filter((delivery) => !seen.has(delivery.body.id) && seen.add(delivery.body.id));
    expect(handled).toHaveLength(1);
  });

  it('gives up on an event after the retry period, and pauses a subscription that keeps failing, saying why', async () => {
    const strict = await startAppOn(t.databaseUrl, {
      ...FAST,
      WEBHOOK_RETRY_FOR_SECONDS: '1',
      WEBHOOK_PAUSE_AFTER_FAILED_EVENTS: '2',
    });
    try {
      const hook = await subscribe();
      receiver.respond = () => 503;
      const user = await createUser(t, tenant);
      for (let i = 0; i < 3; i += 1) {
        const app = await createApplication(t, tenant);
        await t.http.post(`${base()}/users/${user}/applications`).set(auth()).send({ application_id: app }).expect(201);
      }
      await relayAll();
      const strictDispatcher = strict.app.get(WebhookDispatcher);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const state = (await t.http.get(`${base()}/webhooks/${hook.id}`).set(auth()).expect(200)).body.data;
        if (state.status === 'paused') {
          expect(state.paused_reason).toBe('Paused after 2 events in a row failed to deliver (last answer: HTTP 503)');
          break;
        }
        if (Date.now() > deadline) throw new Error('the subscription was not paused');
        if ((await strictDispatcher.dispatchBatch()) === 0) await sleep(20);
      }
      const attempts = (await t.http.get(`${base()}/webhooks/${hook.id}/deliveries?per_page=100`).set(auth()).expect(200)).body
        .data;
      expect(attempts.filter((attempt: { outcome: string }) => attempt.outcome === 'failed')).toHaveLength(2);
      // Paused: nothing more goes out; resumed: the queue is delivered, in order.
      const count = receiver.received.length;
      expect(await strictDispatcher.dispatchBatch()).toBe(0);
      receiver.respond = () => 200;
      const resumed = (await t.http.patch(`${base()}/webhooks/${hook.id}`).set(auth()).send({ status: 'active' }).expect(200))
        .body.data;
      expect(resumed).toMatchObject({ status: 'active', paused_reason: null });
      await pumpUntil(() => receiver.accepted.length >= 1);
      expect(receiver.received.length).toBe(count + 1);
      expect(receiver.accepted[0].body.id).toBe((await events())[2].id);
    } finally {
      await strict.close();
    }
  });

  it('refuses at delivery time a URL whose host became an internal address, and records why', async () => {
    const hook = await subscribe();
    const guarded = await startAppOn(t.databaseUrl, { ...FAST, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' });
    try {
      const user = await createUser(t, tenant);
      const app = await createApplication(t, tenant);
      await t.http.post(`${base()}/users/${user}/applications`).set(auth()).send({ application_id: app }).expect(201);
      await relayAll();
      expect(await guarded.app.get(WebhookDispatcher).dispatchBatch()).toBe(1);
      expect(receiver.received).toHaveLength(0);
      const [attempt] = (await t.http.get(`${base()}/webhooks/${hook.id}/deliveries`).set(auth()).expect(200)).body.data;
      expect(attempt).toMatchObject({ status_code: null, outcome: 'retrying' });
      expect(attempt.error).toMatch(/resolves to 127\.0\.0\.1, a loopback, private, link-local or otherwise internal address/);
    } finally {
      await guarded.close();
    }
  });

  it('yields exactly the matching events for 1,000 concurrent assignment changes, as the audit trail records them', async () => {
    const users = await Promise.all(Array.from({ length: 10 }, () => createUser(t, tenant)));
    const groups = await Promise.all(Array.from({ length: 5 }, () => createGroup(t, tenant)));
    const apps = await Promise.all(Array.from({ length: 10 }, () => createApplication(t, tenant)));
    const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];
    const token = auth();
    const requests = Array.from({ length: 1000 }, (_, i) => {
      const app = pick(apps);
      if (i % 2 === 0) {
        const user = pick(users);
        return i % 4 === 0
          ? t.http.post(`${base()}/users/${user}/applications`).set(token).send({ application_id: app })
          : t.http.delete(`${base()}/users/${user}/applications/${app}`).set(token);
      }
      const group = pick(groups);
      return i % 4 === 1
        ? t.http.post(`${base()}/groups/${group}/applications`).set(token).send({ application_id: app })
        : t.http.delete(`${base()}/groups/${group}/applications/${app}`).set(token);
    });
    const statuses = (await Promise.all(requests)).map((response) => response.status);
    expect(statuses.every((status) => [201, 204, 404, 409].includes(status))).toBe(true);
    const changed = statuses.filter((status) => status === 201 || status === 204).length;

    const audit: string[] = [];
    for (let page = 1; ; page += 1) {
      const body = (await t.http.get(`${base()}/audit-events?per_page=100&page=${page}`).set(token).expect(200)).body;
      for (const entry of body.data as Array<{ action: string; target_id: string; details: { application_id?: string } }>) {
        if (entry.action.startsWith('assignment.'))
          audit.push(`${entry.action} ${entry.target_id} ${entry.details.application_id}`);
      }
      if (page >= body.pagination.total_pages) break;
    }
    const emitted = (await events()).map(
      (event) => `${event.type} ${String(event.data.user_id ?? event.data.group_id)} ${String(event.data.application_id)}`,
    );
    expect(emitted).toHaveLength(changed);
    expect([...emitted].sort()).toEqual([...audit].sort());

    // Replaying the events in their order gives the assignments the database holds.
    const state = new Set<string>();
    for (const event of await events()) {
      const key = `${String(event.data.user_id ?? event.data.group_id)} ${String(event.data.application_id)}`;
      if (event.type.endsWith('_assigned')) state.add(key);
      else state.delete(key);
    }
    const held = await t.dataSource.query(
      `SELECT user_id::text || ' ' || application_id AS k FROM user_app_assignments WHERE tenant_id = $1
       UNION ALL SELECT group_id::text || ' ' || application_id FROM group_app_assignments WHERE tenant_id = $1`,
      [tenant.id],
    );
    expect([...state].sort()).toEqual(held.map((row: { k: string }) => row.k).sort());
  });
});

describe('Webhook URLs', () => {
  let t: TestApp;
  let tenant: TenantFixture;

  beforeAll(async () => {
    t = await startTestApp({ BACKGROUND_WORKERS: 'false' });
    tenant = await createTenant(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['https://127.0.0.1/hook', 'resolves to 127.0.0.1'],
    ['https://localhost:8443/hook', 'a loopback, private, link-local or otherwise internal address'],
    ['https://10.1.2.3/hook', 'resolves to 10.1.2.3'],
    ['https://192.168.0.10/hook', 'resolves to 192.168.0.10'],
    ['https://172.20.0.1/hook', 'resolves to 172.20.0.1'],
    ['https://169.254.169.254/latest/meta-data', 'resolves to 169.254.169.254'],
    ['https://[::1]/hook', 'resolves to ::1'],
    ['https://[fd00::1]/hook', 'resolves to fd00::1'],
    ['https://[fe80::1]/hook', 'resolves to fe80::1'],
    ['https://[::ffff:127.0.0.1]/hook', 'otherwise internal address'],
    ['https://0.0.0.0/hook', 'resolves to 0.0.0.0'],
    ['https://224.0.0.1/hook', 'resolves to 224.0.0.1'],
    ['http://hooks.example.com/hook', 'must use https'],
    ['https://user:pw@hooks.example.com/hook', 'must not contain credentials'],
    ['not a url', 'not a valid absolute URL'],
  ])('refuses %s (422 at body.url), and creates nothing', async (url, message) => {
    const response = await t.http
      .post(`/api/v1/tenants/${tenant.id}/webhooks`)
      .set(bearer(tenant.token))
      .send({ url })
      .expect(422);
    expect(response.body.detail).toEqual([{ loc: ['body', 'url'], msg: expect.stringContaining(message), type: 'url_refused' }]);
    const list = (await t.http.get(`/api/v1/tenants/${tenant.id}/webhooks`).set(bearer(tenant.token)).expect(200)).body;
    expect(list.pagination.total_items).toBe(0);
  });

  it('the README shows the receiver recipe the tests use, verbatim', () => {
    const root = join(__dirname, '..', '..');
    const recipe = readFileSync(join(root, 'test', 'events', 'verify-webhook-signature.js'), 'utf8').trimEnd();
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(`\`\`\`js\n${recipe}\n\`\`\``);
  });

  it('classifies addresses', () => {
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.1.1',
      '::1',
      'fc00::1',
      'fe80::1',
      '::',
      'ff02::1',
      '::ffff:10.0.0.1',
    ]) {
      expect([address, isBlockedAddress(address)]).toEqual([address, true]);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:2800:220:1:248:1893:25c8:1946', '172.32.0.1']) {
      expect([address, isBlockedAddress(address)]).toEqual([address, false]);
    }
  });

  it('needs webhooks:write to create and webhooks:read to list', async () => {
    const readOnly = bearer(tokenFor(tenant.id, [Scope.WebhooksRead]));
    await t.http
      .post(`/api/v1/tenants/${tenant.id}/webhooks`)
      .set(readOnly)
      .send({ url: 'https://hooks.example.com/x' })
      .expect(403);
    await t.http.get(`/api/v1/tenants/${tenant.id}/webhooks`).set(readOnly).expect(200);
    await t.http
      .get(`/api/v1/tenants/${tenant.id}/webhooks`)
      .set(bearer(tokenFor(tenant.id, [Scope.UsersRead])))
      .expect(403);
  });
});
