import { Injectable } from '@nestjs/common';
import { DatabaseErrors } from '../common/database/database.errors';
import { HealthRepository } from './health.repository';

const READINESS_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  constructor(private readonly health: HealthRepository) {}

  /** Ready when the database answers within two seconds; otherwise 503 (with Retry-After). */
  async assertReady(): Promise<void> {
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
