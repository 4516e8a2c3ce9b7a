import type { Client } from 'pg';

export interface RelayLag {
  /** Events written and not yet relayed, at most, while the writes ran. */
  maxPendingEvents: number;
  /** Age of the oldest event not yet relayed, at most (s). */
  maxOldestPendingSeconds: number;
  /** From the end of the writes until every event was relayed (s); null if not within the wait. */
  drainedAfterSeconds: number | null;
  samples: number;
  intervalMs: number;
}

const STATEMENT = `SELECT count(*)::int AS pending,
                          coalesce(extract(epoch FROM clock_timestamp() - min(occurred_at)), 0)::float AS oldest
                     FROM change_events WHERE relayed_at IS NULL`;

/**
 * Samples the outbox while the writes run: how many change events wait for the relay and
 * how old the oldest is, then how long the relay takes to catch up once the writes stop.
 */
export class RelayLagSampler {
  private maxPending = 0;
  private maxOldest = 0;
  private samples = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: Client,
    private readonly intervalMs = 500,
  ) {}

  start(): this {
    this.timer = setInterval(() => {
      this.inFlight = this.inFlight.then(() => this.sample().then(() => undefined));
    }, this.intervalMs);
    return this;
  }

  async stop(drainTimeoutMs = 60_000): Promise<RelayLag> {
    clearInterval(this.timer);
    await this.inFlight;
    const stopped = Date.now();
    let drainedAfterSeconds: number | null = null;
    while (Date.now() - stopped < drainTimeoutMs) {
      if ((await this.sample()) === 0) {
        drainedAfterSeconds = Math.round((Date.now() - stopped) / 100) / 10;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
      maxPendingEvents: this.maxPending,
      maxOldestPendingSeconds: Math.round(this.maxOldest * 100) / 100,
      drainedAfterSeconds,
      samples: this.samples,
      intervalMs: this.intervalMs,
    };
  }

  private async sample(): Promise<number> {
    const { rows } = await this.client.query<{ pending: number; oldest: number }>(STATEMENT);
    this.samples += 1;
    this.maxPending = Math.max(this.maxPending, rows[0].pending);
    this.maxOldest = Math.max(this.maxOldest, rows[0].oldest);
    return rows[0].pending;
  }
}
