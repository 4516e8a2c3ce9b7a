import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { connect, type JetStreamClient, type NatsConnection, StringCodec } from 'nats';
import { Environment } from '../config/environment';
import type { ChangeEventPayload } from './change-event-payload';

const codec = StringCodec();

/** What JetStream acknowledged for one event. */
export interface PublishAck {
  eventId: string;
  /** The stream already had a message with this id (within its duplicate window): dropped. */
  duplicate: boolean;
}

/**
 * Publishes change events to NATS JetStream when NATS_URL is set: subject
 * `<NATS_SUBJECT_PREFIX>.<tenant_id>.<type>`, message id = event id, so the server drops a
 * re-publication within the stream's duplicate window. Connects on first use and creates the
 * stream (subjects `<prefix>.>`) when it is missing.
 */
@Injectable()
export class NatsPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger('NatsPublisher');
  private connection?: Promise<{ nc: NatsConnection; js: JetStreamClient }>;

  constructor(private readonly env: Environment) {}

  get enabled(): boolean {
    return this.env.NATS_URL !== undefined;
  }

  subjectOf(event: Pick<ChangeEventPayload, 'tenant_id' | 'type'>): string {
    return `${this.env.NATS_SUBJECT_PREFIX}.${event.tenant_id}.${event.type}`;
  }

  /** Publishes in order (one connection keeps it) and waits for every acknowledgement; throws if any fails. */
  async publish(events: Array<{ payload: ChangeEventPayload; body: string }>): Promise<PublishAck[]> {
    const { js } = await this.connect();
    const acks = await Promise.all(
      events.map(({ payload, body }) => js.publish(this.subjectOf(payload), codec.encode(body), { msgID: payload.id })),
    );
    return acks.map((ack, index) => ({ eventId: events[index].payload.id, duplicate: ack.duplicate }));
  }

  async onApplicationShutdown(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await connection.then(({ nc }) => nc.drain()).catch(() => undefined);
  }

  private connect(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    if (!this.connection) {
      this.connection = this.open().catch((error: unknown) => {
        this.connection = undefined;
        throw error;
      });
    }
    return this.connection;
  }

  private async open(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    const nc = await connect({
      servers: this.env.NATS_URL!.split(','),
      name: 'iam-app-assignments-relay',
      maxReconnectAttempts: -1,
    });
    const jsm = await nc.jetstreamManager();
    const stream = this.env.NATS_STREAM;
    try {
      await jsm.streams.info(stream);
    } catch {
      await jsm.streams.add({ name: stream, subjects: [`${this.env.NATS_SUBJECT_PREFIX}.>`] });
      this.logger.log({ msg: 'NATS stream created', stream });
    }
    void nc.closed().then(() => {
      this.connection = undefined;
    });
    return { nc, js: nc.jetstream() };
  }
}
