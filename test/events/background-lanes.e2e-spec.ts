import { setTimeout as sleep } from 'node:timers/promises';
import { BackgroundWorker } from '../../src/background/background-worker';
import { EventRelay } from '../../src/background/event-relay';
import type { Lane } from '../../src/background/lane';
import { createApplication, createTenant, createUser, type TenantFixture } from '../support/fixtures';
import { type IsolatedApp, startIsolatedApp } from '../support/isolated-app';
import { bearer } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * The background lanes of a running instance (BACKGROUND_WORKERS=true): idle, they look for
 * work less and less often; a write through the instance wakes them, so its change events
 * are relayed and delivered at once however long the lanes had been idle.
 */
describe('Background lanes of an instance', () => {
  let t: IsolatedApp;
  let tenant: TenantFixture;
  let receiver: WebhookReceiver;
  let relayLane: Lane;
  let deliveryLane: Lane;

  beforeAll(async () => {
    t = await startIsolatedApp('lanes', {
      BACKGROUND_WORKERS: 'true',
      EVENT_RELAY_POLL_MS: '10',
      BACKGROUND_IDLE_MAX_MS: '60000',
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    });
    [, relayLane, deliveryLane] = t.app.get(BackgroundWorker).runningLanes;
    tenant = await createTenant(t);
    receiver = await WebhookReceiver.start();
  });

  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  /** Resolves once the lane has just started a wait of at least `ms` (it will not look before that by itself). */
  async function idleFor(lane: Lane, ms: number): Promise<void> {
    let before = lane.nextWaitMs;
    for (const deadline = Date.now() + 4 * ms; Date.now() < deadline; await sleep(2)) {
      const now = lane.nextWaitMs;
      if (now >= ms && before < ms) return;
      before = now;
    }
    throw new Error(`the lane never waited ${ms} ms`);
  }

  it('looks for work less and less often while idle', async () => {
    const relay = t.app.get(EventRelay);
    const looks = jest.spyOn(relay, 'relayBatch');
    try {
      await idleFor(relayLane, 640);
      const start = looks.mock.calls.length;
      await idleFor(relayLane, 2_560);
      // 640 + 1,280 ms of waiting: two looks (at a fixed 10 ms, it would have been about 190).
      expect(looks.mock.calls.length - start).toBeLessThanOrEqual(3);
    } finally {
      looks.mockRestore();
    }
  });

  it('relays and delivers the change events of a write at once, however long it had been idle', async () => {
    await t.http.post(`/api/v1/tenants/${tenant.id}/webhooks`).set(bearer(tenant.token)).send({ url: receiver.url }).expect(201);
    const user = await createUser(t, tenant);
    const application = await createApplication(t, tenant);
    await Promise.all([idleFor(relayLane, 2_560), idleFor(deliveryLane, 2_560)]);

    const assignedAt = Date.now();
    await t.http
      .post(`/api/v1/tenants/${tenant.id}/users/${user}/applications`)
      .set(bearer(tenant.token))
      .send({ application_id: application })
      .expect(201);
    for (const deadline = assignedAt + 5_000; receiver.accepted.length === 0 && Date.now() < deadline;) await sleep(5);

    expect(receiver.accepted.map((delivery) => delivery.body.type)).toEqual(['assignment.user_assigned']);
    // Left to their waits, the relay and then the deliveries would each have slept 2.5 s first.
    expect(Date.now() - assignedAt).toBeLessThan(1_500);
  });
});
