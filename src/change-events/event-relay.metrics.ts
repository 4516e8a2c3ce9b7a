import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { Metrics } from '../metrics/metrics.service';
import { EventRelayRepository, type RelayLag } from './event-relay.repository';

/**
 * `iam_event_relay_lag_seconds` and `iam_event_relay_pending_events`, read from the outbox
 * at scrape time (the capped query /health/ready runs, once per scrape for both gauges).
 * The figures are the database's, the same from every instance. When the database does
 * not answer, both read NaN (and the failure is logged) rather than a stale value.
 */
@Injectable()
export class EventRelayMetrics {
  private readonly logger = new Logger('EventRelayMetrics');
  private reading?: Promise<RelayLag | undefined>;

  constructor(
    private readonly relay: EventRelayRepository,
    metrics: Metrics,
  ) {
    const read = () => this.readOnce();
    new Gauge({
      name: 'iam_event_relay_lag_seconds',
      help: 'Age of the oldest change event not relayed yet (0: none pending).',
      registers: [metrics.registry],
      async collect() {
        this.set((await read())?.oldest_pending_seconds ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'iam_event_relay_pending_events',
      help: 'Change events not relayed yet (counted up to 100,000).',
      registers: [metrics.registry],
      async collect() {
        this.set((await read())?.pending_events ?? Number.NaN);
      },
    });
  }

  /** One query for the gauges of one scrape: callers while it runs share it. */
  private readOnce(): Promise<RelayLag | undefined> {
    this.reading ??= this.relay
      .lag()
      .catch((error: unknown) => {
        this.logger.warn({ msg: 'event relay lag unavailable for metrics', err: String(error) });
        return undefined;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }
}
