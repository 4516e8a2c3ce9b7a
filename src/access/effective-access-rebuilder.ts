import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Environment } from '../config/environment';
import { EffectiveAccessRepository } from './effective-access.repository';

const IDLE_POLL_MS = 250;
const ERROR_BACKOFF_MS = 2_000;

/**
 * Runs the pending rebuilds of the effective-access index in the background, one batch per
 * transaction, for as long as the service runs (unless ACCESS_REBUILD_WORKER=false, for a
 * dedicated worker process). Several instances share the work safely: each batch claims its
 * application with FOR UPDATE SKIP LOCKED.
 */
@Injectable()
export class EffectiveAccessRebuilder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EffectiveAccessRebuilder');
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly access: EffectiveAccessRepository,
    private readonly env: Environment,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.env.ACCESS_REBUILD_WORKER) return;
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Works until nothing is pending (the fill command and tests use it without the loop). */
  async drain(): Promise<number> {
    let batches = 0;
    while (await this.access.rebuildNext()) batches += 1;
    return batches;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const batch = await this.access.rebuildNext();
        if (batch?.done) this.logger.log({ msg: 'effective-access rebuild done', ...batch });
        if (!batch) await this.sleep(IDLE_POLL_MS);
      } catch (error) {
        if (!this.running) break;
        this.logger.warn({ msg: 'effective-access rebuild batch failed; retrying', err: String(error) });
        await this.sleep(ERROR_BACKOFF_MS);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
