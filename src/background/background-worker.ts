import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EffectiveAccessRebuildRepository } from '../access/effective-access-rebuild.repository';
import { CommittedChanges } from '../changes/committed-changes';
import { Environment } from '../config/environment';
import { DeletionPurgeRepository } from '../deletions/deletion-purge.repository';
import { IdempotencyKeysRepository } from '../idempotency/idempotency-keys.repository';
import { EventRelay } from './event-relay';
import { Lane, type Task } from './lane';
import { WebhookDispatcher } from './webhook-dispatcher';

const MAINTENANCE_POLL_MS = 250;
const ERROR_BACKOFF_MS = 2_000;
const EXPIRED_KEYS_PER_BATCH = 1_000;

/**
 * The service's background work, one batch per transaction, for as long as it runs (unless
 * BACKGROUND_WORKERS=false, where `npm run worker` does it in a process of its own), in three
 * lanes side by side, so a slow webhook never delays a rebuild: the maintenance (rebuilds of
 * the effective-access index after large fan-outs, folding its count deltas, accepted
 * deletions, removing expired Idempotency-Keys), the change-event relay (outbox to NATS and
 * webhook queues) and the webhook deliveries. Several instances share the work safely: each
 * batch claims its item with FOR UPDATE SKIP LOCKED.
 *
 * An idle lane waits longer and longer between looks, up to BACKGROUND_IDLE_MAX_MS; a change
 * committed in this process wakes every lane (see Lane for how soon), and a relayed batch
 * wakes the deliveries. So the instance that took a write relays its events right away, and
 * idle instances hardly query the database.
 */
@Injectable()
export class BackgroundWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BackgroundWorker');
  private readonly maintenance: Task[];
  private readonly relayTask: Task;
  private readonly dispatchTask: Task;
  private lanes: Lane[] = [];
  private stopListening?: () => void;

  constructor(
    rebuilds: EffectiveAccessRebuildRepository,
    deletions: DeletionPurgeRepository,
    idempotencyKeys: IdempotencyKeysRepository,
    readonly relay: EventRelay,
    readonly dispatcher: WebhookDispatcher,
    private readonly committed: CommittedChanges,
    private readonly env: Environment,
  ) {
    this.relayTask = {
      name: 'change-event relay',
      step: async () => {
        const batch = await relay.relayBatch();
        if (batch) this.logger.debug({ msg: 'change events relayed', ...batch });
        return batch !== undefined;
      },
    };
    this.dispatchTask = {
      name: 'webhook deliveries',
      step: async () => (await dispatcher.dispatchBatch()) > 0,
    };
    this.maintenance = [
      {
        name: 'effective-access rebuild',
        step: async () => {
          const batch = await rebuilds.next();
          if (batch?.done) this.logger.log({ msg: 'effective-access rebuild done', ...batch });
          return batch !== undefined;
        },
      },
      {
        name: 'effective-access count folding',
        step: async () => (await rebuilds.foldCounts()) > 0,
      },
      {
        name: 'deletion',
        step: async () => {
          const batch = await deletions.next();
          if (batch?.done) this.logger.log({ msg: 'deletion completed', ...batch });
          return batch !== undefined;
        },
      },
      {
        name: 'expired idempotency keys',
        step: async () => (await idempotencyKeys.purgeExpired(EXPIRED_KEYS_PER_BATCH)) > 0,
      },
    ];
  }

  /** The lanes, in order: maintenance, relay, deliveries (empty unless BACKGROUND_WORKERS). */
  get runningLanes(): readonly Lane[] {
    return this.lanes;
  }

  onApplicationBootstrap(): void {
    if (!this.env.BACKGROUND_WORKERS) return;
    const lane = (tasks: Task[], idleMs: number) =>
      new Lane(tasks, {
        idleMs,
        maxIdleMs: this.env.BACKGROUND_IDLE_MAX_MS,
        errorBackoffMs: ERROR_BACKOFF_MS,
        onError: (task, error) => this.logger.warn({ msg: `${task.name} batch failed; retrying`, err: String(error) }),
      });
    const maintenance = lane(this.maintenance, MAINTENANCE_POLL_MS);
    const deliveries = lane([this.dispatchTask], this.env.EVENT_RELAY_POLL_MS);
    const relayThenWakeDeliveries: Task = {
      name: this.relayTask.name,
      step: async () => {
        const relayed = await this.relayTask.step();
        // A relayed batch may have queued webhook deliveries.
        if (relayed) deliveries.wake();
        return relayed;
      },
    };
    const relay = lane([relayThenWakeDeliveries], this.env.EVENT_RELAY_POLL_MS);
    this.lanes = [maintenance, relay, deliveries];
    this.stopListening = this.committed.listen(() => this.lanes.forEach((each) => each.wake()));
    this.lanes.forEach((each) => each.start());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopListening?.();
    await Promise.all(this.lanes.map((each) => each.stop()));
  }

  /**
   * Does every pending batch now, until there is none (tests, and the fill command), the
   * change-event relay included (not the webhook deliveries, which wait for receivers).
   * Returns how many.
   */
  async drain(): Promise<number> {
    let batches = 0;
    for (;;) {
      let worked = false;
      for (const task of [...this.maintenance, this.relayTask]) {
        while (await task.step()) {
          worked = true;
          batches += 1;
        }
      }
      if (!worked) return batches;
    }
  }
}
