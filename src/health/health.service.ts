import { Injectable } from '@nestjs/common';
import { EventRelayRepository, type RelayLag } from '../change-events/event-relay.repository';
import { DatabaseErrors } from '../common/database/database.errors';
import { ReadRouter } from '../replicas/read-router';
import { type DeliveryStats, WebhookDeliveriesRepository } from '../webhooks/webhook-deliveries.repository';
import { HealthErrors } from './health.errors';
import { HealthRepository } from './health.repository';
import { Readiness } from './readiness';

/** The change-event relay as /health/ready shows it: how far behind it is, and what failed. */
export type EventRelayHealth = RelayLag & DeliveryStats;

/** A replica as /health/ready shows it (no addresses or errors: the endpoint is public; /metrics and the logs have them). */
export interface ReplicaHealth {
  name: string;
  serving: boolean;
  lag_seconds: number | null;
}

export interface Readout {
  event_relay: EventRelayHealth;
  replicas: ReplicaHealth[];
}

const READINESS_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthRepository,
    private readonly relay: EventRelayRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly readiness: Readiness,
    private readonly reads: ReadRouter,
  ) {}

  /**
   * Ready when the instance is not shutting down and the primary database answers within two
   * seconds; otherwise 503 (with Retry-After). The relay's figures and the replicas are
   * information for monitoring: a lagging relay or a replica that is away does not make the
   * API unready (it still answers every request correctly, from the primary).
   */
  async ready(): Promise<Readout> {
    if (this.readiness.draining) throw HealthErrors.draining.error();
    await this.assertReady();
    const [lag, stats] = await Promise.all([this.relay.lag(), this.deliveries.stats()]);
    const replicas = this.reads.status().map((replica) => ({
      name: replica.name,
      serving: replica.serving,
      lag_seconds: replica.lagSeconds ?? null,
    }));
    return { event_relay: { ...lag, ...stats }, replicas };
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
