import { connect as connectTcp } from 'node:net';
import { connect, type JetStreamManager, type NatsConnection, StringCodec } from 'nats';
import { EventRelay } from '../../src/background/event-relay';
import { NatsPublisher } from '../../src/change-events/nats-publisher';
import { createApplication, createTenant, createUser, type TenantFixture } from '../support/fixtures';
import { type IsolatedApp, startIsolatedApp } from '../support/isolated-app';
import { bearer } from '../support/test-app';

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Whether a NATS server answers (CI and this machine run one with JetStream on 127.0.0.1:4222). */
async function natsAnswers(): Promise<boolean> {
  const { hostname, port } = new URL(NATS_URL);
  return new Promise((resolve) => {
    const socket = connectTcp(Number(port || 4222), hostname);
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('Change events on NATS JetStream', () => {
  const stream = `IAM_TEST_${process.pid}`;
  const prefix = `iamtest${process.pid}.events`;
  let available = false;
  let t: IsolatedApp;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let tenant: TenantFixture;

  beforeAll(async () => {
    available = await natsAnswers();
    if (!available) {
      console.warn(`NATS does not answer at ${NATS_URL}: the JetStream tests are skipped (set TEST_NATS_URL to run them)`);
      return;
    }
    t = await startIsolatedApp('nats', {
      BACKGROUND_WORKERS: 'false',
      NATS_URL,
      NATS_STREAM: stream,
      NATS_SUBJECT_PREFIX: prefix,
    });
    nc = await connect({ servers: NATS_URL });
    jsm = await nc.jetstreamManager();
    tenant = await createTenant(t);
  });

  afterAll(async () => {
    if (!available) return;
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
    await t.close();
  });

  const messages = async () => (await jsm.streams.info(stream)).state.messages;

  it('publishes each event with its id as the message id, on <prefix>.<tenant>.<type>; a re-publication is dropped', async () => {
    if (!available) return;
    const user = await createUser(t, tenant);
    const app = await createApplication(t, tenant);
    const base = `/api/v1/tenants/${tenant.id}`;
    await t.http.post(`${base}/users/${user}/applications`).set(bearer(tenant.token)).send({ application_id: app }).expect(201);
    await t.http.delete(`${base}/users/${user}/applications/${app}`).set(bearer(tenant.token)).expect(204);
    const relay = t.app.get(EventRelay);

    // The relay dies after publishing and before marking: the next run publishes again, and JetStream drops the copies.
    relay.beforeMark = () => {
      throw new Error('relay killed before the mark');
    };
    await expect(relay.relayBatch()).rejects.toThrow('relay killed');
    relay.beforeMark = undefined;
    expect(await messages()).toBe(2);
    while (await relay.relayBatch());
    expect(await messages()).toBe(2);

    const events = (await t.http.get(`${base}/change-events`).set(bearer(tenant.token)).expect(200)).body.data as Array<{
      id: string;
      type: string;
    }>;
    const codec = StringCodec();
    for (const [index, event] of events.entries()) {
      const message = await jsm.streams.getMessage(stream, { seq: index + 1 });
      expect(message.subject).toBe(`${prefix}.${tenant.id}.${event.type}`);
      expect(message.header.get('Nats-Msg-Id')).toBe(event.id);
      expect(JSON.parse(codec.decode(message.data))).toEqual(event);
    }

    // A duplicate publication of the same event id (another relay instance, a retry) is acknowledged as such and not stored.
    const publisher = t.app.get(NatsPublisher);
    const [ack] = await publisher.publish([{ payload: { ...events[0], tenant_id: tenant.id } as never, body: '{}' }]);
    expect(ack).toEqual({ eventId: events[0].id, duplicate: true });
    expect(await messages()).toBe(2);
  });
});
