import { Injectable } from '@nestjs/common';
import { EventRelayRepository, type RelayLag } from '../change-events/event-relay.repository';
import { DatabaseErrors } from '../common/database/database.errors';
import { type DeliveryStats, WebhookDeliveriesRepository } from '../webhooks/webhook-deliveries.repository';
import { HealthRepository } from './health.repository';

/** The change-event relay as /health/ready shows it: how far behind it is, and what failed. */
export type EventRelayHealth = RelayLag & DeliveryStats;

const READINESS_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthRepository,
    private readonly relay: EventRelayRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  /**
   * Ready when the database answers within two seconds; otherwise 503 (with Retry-After).
   * The relay's figures are information for monitoring: a lagging relay does not make the
   * API unready (it still answers every request correctly).
   */
  async ready(): Promise<EventRelayHealth> {
    await this.assertReady();
    const [lag, stats] = await Promise.all([this.relay.lag(), this.deliveries.stats()]);
    return { ...lag, ...stats };
  }

  private async assertReady(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), READINESS_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.health.ping(), timeout]);
    } catch {
      throw DatabaseErrors.unavailable.error();
    } finally {
      clearTimeout(timer);
    }
  }
}
