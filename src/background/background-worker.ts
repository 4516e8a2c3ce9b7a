import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EffectiveAccessRebuildRepository } from '../access/effective-access-rebuild.repository';
import { Environment } from '../config/environment';
import { DeletionPurgeRepository } from '../deletions/deletion-purge.repository';
import { IdempotencyKeysRepository } from '../idempotency/idempotency-keys.repository';
import { EventRelay } from './event-relay';
import { WebhookDispatcher } from './webhook-dispatcher';

const IDLE_POLL_MS = 250;
const ERROR_BACKOFF_MS = 2_000;
const EXPIRED_KEYS_PER_BATCH = 1_000;

/** One kind of background work: does one batch, and says whether there was any. */
interface Task {
  name: string;
  step(): Promise<boolean>;
}

/** Tasks that run one after another; lanes run side by side, so a slow webhook never delays a rebuild. */
interface Lane {
  tasks: Task[];
  idleMs: number;
}

/**
 * The service's background work, one batch per transaction, for as long as it runs (unless
 * BACKGROUND_WORKERS=false, where `npm run worker` does it in a process of its own):
 * rebuilds of the effective-access index after large fan-outs, folding its count deltas, and
 * accepted deletions, and removing expired Idempotency-Keys; and, in lanes of their own, the
 * change-event relay (outbox to NATS and webhook queues) and the webhook deliveries.
 * Several instances share the work safely: each batch claims its item with
 * FOR UPDATE SKIP LOCKED.
 */
@Injectable()
export class BackgroundWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BackgroundWorker');
  private readonly tasks: Task[];
  private readonly relayTask: Task;
  private readonly dispatchTask: Task;
  private running = false;
  private loops: Array<Promise<void>> = [];
  private readonly wakers = new Set<() => void>();

  constructor(
    rebuilds: EffectiveAccessRebuildRepository,
    deletions: DeletionPurgeRepository,
    idempotencyKeys: IdempotencyKeysRepository,
    readonly relay: EventRelay,
    readonly dispatcher: WebhookDispatcher,
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
    this.tasks = [
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

  onApplicationBootstrap(): void {
    if (!this.env.BACKGROUND_WORKERS) return;
    this.running = true;
    const lanes: Lane[] = [
      { tasks: this.tasks, idleMs: IDLE_POLL_MS },
      { tasks: [this.relayTask], idleMs: this.env.EVENT_RELAY_POLL_MS },
      { tasks: [this.dispatchTask], idleMs: this.env.EVENT_RELAY_POLL_MS },
    ];
    this.loops = lanes.map((lane) => this.run(lane));
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    for (const wake of this.wakers) wake();
    await Promise.all(this.loops);
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
      for (const task of [...this.tasks, this.relayTask]) {
        while (await task.step()) {
          worked = true;
          batches += 1;
        }
      }
      if (!worked) return batches;
    }
  }

  private async run(lane: Lane): Promise<void> {
    while (this.running) {
      let worked = false;
      for (const task of lane.tasks) {
        if (!this.running) break;
        try {
          if (await task.step()) worked = true;
        } catch (error) {
          if (!this.running) break;
          this.logger.warn({ msg: `${task.name} batch failed; retrying`, err: String(error) });
          await this.sleep(ERROR_BACKOFF_MS);
        }
      }
      if (!worked && this.running) await this.sleep(lane.idleMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}
